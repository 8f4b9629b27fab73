export function portalLink(portal: string, resourceId: string): string {
  return `${portal}/#@/resource${resourceId}`
}

/**
 * The portal blades of an app that a failed or slow revision sends users to: "Revisions and replicas" and
 * "Log stream". The portal opens a blade of a resource at `#@/resource{id}/{blade}`.
 */
export function appBlades(appLink: string): { revisions: string; logStream: string } {
  return { revisions: `${appLink}/revisionManagement`, logStream: `${appLink}/logstream` }
}
