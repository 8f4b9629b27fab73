#!/usr/bin/env bash
# Deletes the resource group of this live test run, and any a cancelled earlier run left behind (tagged
# purpose=connect-redis-live, created more than six hours ago). Deletion goes on in Azure after the job ends.
set -euo pipefail

if [ -n "${LIVE_RG:-}" ] && [ "$(az group exists --name "$LIVE_RG")" = "true" ]; then
  echo "Deleting $LIVE_RG"
  az group delete --name "$LIVE_RG" --yes --no-wait
fi

cutoff=$(date -u -d '-6 hours' +%Y-%m-%dT%H:%M:%SZ)
az group list --tag purpose=connect-redis-live --query '[].[name, tags.created]' --output tsv |
  while IFS=$'\t' read -r group created; do
    if [ "$group" != "${LIVE_RG:-}" ] && [[ "$created" < "$cutoff" ]]; then
      echo "Deleting $group, left by an earlier run (created $created)"
      az group delete --name "$group" --yes --no-wait
    fi
  done
