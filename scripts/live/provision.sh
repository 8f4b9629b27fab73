#!/usr/bin/env bash
# Creates the throwaway resources of one live test run (docs/live-tests.md), with the Azure CLI signed in by
# azure/login: a resource group tagged for the sweeper in teardown.sh, an Azure Cache for Redis (Basic C0, Microsoft
# Entra authentication on), a registry that builds examples/redis-entra-app, a Container Apps environment and the
# app. The app starts without identity or Redis variables: connecting it is the action's job.
# Writes resource-group, container-app, redis-name, redis-host and health-url to $GITHUB_OUTPUT.
set -euo pipefail

: "${LIVE_RG:?LIVE_RG names the resource group of this run}"
: "${LIVE_LOCATION:?LIVE_LOCATION is the Azure region}"
out="${GITHUB_OUTPUT:-/dev/stdout}"
tag="${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-1}"

# Names are unique per run (the cache name is global, the registry name too).
suffix=$(printf '%s' "$LIVE_RG" | sha256sum | cut -c1-10)
cache="live-redis-$suffix"
registry="liveacr$suffix"
environment="live-env-$suffix"
app="live-app"

echo "::group::Resource group $LIVE_RG in $LIVE_LOCATION"
az group create --name "$LIVE_RG" --location "$LIVE_LOCATION" \
  --tags purpose=connect-redis-live created="$(date -u +%Y-%m-%dT%H:%M:%SZ)" --output none
# teardown.sh deletes the group whatever happens next; say where it is before anything can fail.
echo "resource-group=$LIVE_RG" >>"$out"
echo "::endgroup::"

# The cache takes the longest (15 to 20 minutes): start it first and build the app meanwhile.
echo "::group::Azure Cache for Redis $cache (Basic C0, Entra on), in the background"
az redis create --resource-group "$LIVE_RG" --name "$cache" --location "$LIVE_LOCATION" \
  --sku Basic --vm-size c0 --minimum-tls-version 1.2 \
  --redis-configuration '{"aad-enabled":"true"}' --output none &
cache_job=$!
echo "::endgroup::"

echo "::group::Registry $registry and the example app image"
az acr create --resource-group "$LIVE_RG" --name "$registry" --sku Basic --admin-enabled true --output none
az acr build --registry "$registry" --image "redis-entra-app:$tag" --no-logs examples/redis-entra-app --output none
password=$(az acr credential show --name "$registry" --query 'passwords[0].value' --output tsv)
echo "::add-mask::$password"
echo "::endgroup::"

echo "::group::Container Apps environment $environment and app $app"
az containerapp env create --resource-group "$LIVE_RG" --name "$environment" --location "$LIVE_LOCATION" \
  --logs-destination none --output none
# The registry password becomes a secret of the app: every step of the action must leave it as it is.
az containerapp create --resource-group "$LIVE_RG" --name "$app" --environment "$environment" \
  --image "$registry.azurecr.io/redis-entra-app:$tag" \
  --registry-server "$registry.azurecr.io" --registry-username "$registry" --registry-password "$password" \
  --ingress external --target-port 8080 --output none
fqdn=$(az containerapp show --resource-group "$LIVE_RG" --name "$app" \
  --query properties.configuration.ingress.fqdn --output tsv)
echo "::endgroup::"

echo "::group::Waiting for the cache"
wait "$cache_job"
host=$(az redis show --resource-group "$LIVE_RG" --name "$cache" --query hostName --output tsv)
echo "::endgroup::"

{
  echo "container-app=$app"
  echo "redis-name=$cache"
  echo "redis-host=$host"
  echo "health-url=https://$fqdn/healthz"
} >>"$out"
