// Paged list replies as the Redis RPs give them: PAGE_SIZE items a page, `nextLink` with a `$skipToken` offset.
import type { Reply, SandboxRequest } from '../http.ts'

const PAGE_SIZE = 2

export function pagedList<T>(req: SandboxRequest, all: T[], view: (item: T) => unknown): Reply {
  const skip = Number(req.query.get('$skipToken') ?? 0) || 0
  const page = all.slice(skip, skip + PAGE_SIZE).map(view)
  const next = skip + PAGE_SIZE
  const nextLink =
    next < all.length
      ? `${req.origin}${req.path}?api-version=${req.query.get('api-version')}&$skipToken=${next}`
      : undefined
  return { status: 200, body: { value: page, ...(nextLink ? { nextLink } : {}) } }
}
