// What a real container app GET carries that nobody set: ARM's systemData and the Container Apps RP's defaults
// (ingress exposedPort/allowInsecure, scale cooldown/polling, empty identitySettings and delegatedIdentities).
// Source: __fixtures__/recordings/containerapp-get*.json (Azure/azure-dev, Test_CLI_Up_Down_ContainerApp_RemoteBuild).
import type { ContainerAppView } from './wire.ts'

export function withAppDefaults(view: ContainerAppView, createdAt: number): ContainerAppView {
  const at = new Date(createdAt).toISOString()
  const properties = view.properties
  const configuration = properties.configuration
  const scale = properties.template.scale
  return {
    ...view,
    systemData: {
      createdBy: 'sandbox@example.com',
      createdByType: 'User',
      createdAt: at,
      lastModifiedBy: 'sandbox@example.com',
      lastModifiedByType: 'User',
      lastModifiedAt: at
    },
    properties: {
      ...properties,
      configuration: {
        ...configuration,
        ...(configuration.ingress
          ? { ingress: { exposedPort: 0, allowInsecure: false, ...configuration.ingress } }
          : {}),
        identitySettings: configuration.identitySettings ?? []
      },
      ...(scale
        ? {
            template: {
              ...properties.template,
              scale: { cooldownPeriod: 300, pollingInterval: 30, ...scale }
            }
          }
        : {}),
      delegatedIdentities: properties.delegatedIdentities ?? []
    }
  }
}
