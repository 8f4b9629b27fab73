// A local stand-in for the part of the GitHub API that plan comments use: list (paged), create and update the
// comments of an issue or pull request, and GraphQL's `viewer { login }` (who the token is). It checks the token
// and the token's permission as GitHub does.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFaults, type Faults } from './faults.ts'
import { HttpError, startHttpsService, type RequestLogEntry, type SandboxRequest } from './http.ts'
import { memberOf } from './request-body.ts'
import { createTestPki, type TestPki } from './tls.ts'

export interface IssueComment {
  id: number
  node_id: string
  url: string
  html_url: string
  issue_url: string
  body: string
  user: { login: string; id: number; type: 'Bot' | 'User' }
  author_association: string
  created_at: string
  updated_at: string
}

export interface GitHubApi {
  /** GITHUB_API_URL for the action: https://localhost:PORT */
  apiUrl: string
  /** the CA that signed the server's certificate (for NODE_EXTRA_CA_CERTS) */
  caCertPath: string
  caCert: string
  /** the workflow's GITHUB_TOKEN; comments made with it are by github-actions[bot] */
  token: string
  /** `read` is a token without `pull-requests: write`, as GitHub gives to pull requests from forks */
  setPermission(permission: 'write' | 'read'): void
  /** whom the token acts as (default github-actions[bot], as GITHUB_TOKEN); a personal token acts as a user */
  actAs(user: { login: string; type: 'Bot' | 'User' }): void
  /** the comments of an issue or pull request, oldest first (`repo` is owner/name) */
  comments(repo: string, issue: number): IssueComment[]
  /** a comment by someone else, e.g. a reviewer */
  addComment(repo: string, issue: number, body: string, login?: string): IssueComment
  clear(): void
  requestLog: RequestLogEntry[]
  faults: Faults
  stop(): Promise<void>
}

const DOCS = 'https://docs.github.com/rest/issues/comments'
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const }

const error = (status: number, message: string, documentation_url = DOCS): HttpError =>
  new HttpError({ status, body: { message, documentation_url, status: String(status) } })

/** Starts the stand-in. Without `pki` it makes its own in a temporary directory, removed by stop(). */
export async function startGitHubApi(o: { pki?: TestPki } = {}): Promise<GitHubApi> {
  const ownDir = o.pki ? undefined : await mkdtemp(join(tmpdir(), 'github-api-'))
  const pki = o.pki ?? (await createTestPki(join(ownDir as string, 'pki')))
  const token = `ghs_${randomBytes(18).toString('hex')}`
  const requestLog: RequestLogEntry[] = []
  const faults = createFaults()
  let seq = 0
  let permission: 'write' | 'read' = 'write'
  let actor: IssueComment['user'] = BOT
  let nextId = 1_000_000
  const byIssue = new Map<string, IssueComment[]>()
  const list = (repo: string, issue: number): IssueComment[] => {
    const key = `${repo.toLowerCase()}#${issue}`
    if (!byIssue.has(key)) byIssue.set(key, [])
    return byIssue.get(key) as IssueComment[]
  }

  const service = await startHttpsService({
    name: 'github',
    pki,
    log: requestLog,
    nextSeq: () => ++seq,
    faults,
    errorBody: (_status, _code, message) => ({ message, documentation_url: 'https://docs.github.com/rest' })
  })
  const web = 'https://github.com'

  const add = (repo: string, issue: number, body: string, user: IssueComment['user']): IssueComment => {
    const id = nextId++
    const now = new Date().toISOString()
    const comment: IssueComment = {
      id,
      node_id: `IC_${id}`,
      url: `${service.origin}/repos/${repo}/issues/comments/${id}`,
      html_url: `${web}/${repo}/pull/${issue}#issuecomment-${id}`,
      issue_url: `${service.origin}/repos/${repo}/issues/${issue}`,
      body,
      user,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
      created_at: now,
      updated_at: now
    }
    list(repo, issue).push(comment)
    return comment
  }

  /** GitHub's checks, in its order: a token at all, a valid one, then its permission for writes. */
  const authorize = (req: SandboxRequest, write: boolean): void => {
    const auth = (Array.isArray(req.headers.authorization) ? '' : req.headers.authorization) ?? ''
    const match = /^(?:token|bearer) (\S+)$/i.exec(auth)
    if (!match) throw error(401, 'Requires authentication', 'https://docs.github.com/rest')
    if (match[1] !== token) throw error(401, 'Bad credentials', 'https://docs.github.com/rest')
    if (write && permission !== 'write') throw error(403, 'Resource not accessible by integration')
  }
  const bodyOf = (req: SandboxRequest): string => {
    const body = memberOf(req.body, 'body')
    if (typeof body !== 'string' || !body)
      throw error(422, 'Invalid request.\n\nNo subschema in "anyOf" matched.\n"body" wasn\'t supplied.')
    if (body.length > 65_536)
      throw error(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
    return body
  }
  const REPO = '([^/]+)/([^/]+)'

  service.routes.push(
    {
      method: 'GET',
      pattern: new RegExp(`^/repos/${REPO}/issues/(\\d+)/comments$`),
      operation: 'issues/list-comments',
      handle: req => {
        authorize(req, false)
        const [owner, name, issue] = req.params
        const all = list(`${owner}/${name}`, Number(issue))
        const perPage = Math.min(Math.max(Number(req.query.get('per_page') ?? 30) || 30, 1), 100)
        const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1)
        const last = Math.max(Math.ceil(all.length / perPage), 1)
        const link = (p: number, rel: string): string => {
          const url = new URL(req.path, req.origin)
          url.searchParams.set('per_page', String(perPage))
          url.searchParams.set('page', String(p))
          return `<${url}>; rel="${rel}"`
        }
        const links = [
          ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : []),
          ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : [])
        ]
        return {
          status: 200,
          headers: links.length ? { link: links.join(', ') } : undefined,
          body: all.slice((page - 1) * perPage, page * perPage)
        }
      }
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/repos/${REPO}/issues/(\\d+)/comments$`),
      operation: 'issues/create-comment',
      handle: req => {
        authorize(req, true)
        const [owner, name, issue] = req.params
        return { status: 201, body: add(`${owner}/${name}`, Number(issue), bodyOf(req), actor) }
      }
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`^/repos/${REPO}/issues/comments/(\\d+)$`),
      operation: 'issues/update-comment',
      handle: req => {
        authorize(req, true)
        const [owner, name, id] = req.params
        const prefix = `${owner}/${name}#`.toLowerCase()
        const comment = [...byIssue.entries()]
          .filter(([key]) => key.startsWith(prefix))
          .flatMap(([, comments]) => comments)
          .find(c => c.id === Number(id))
        if (!comment) throw error(404, 'Not Found', `${DOCS}#update-an-issue-comment`)
        // A token with write access may edit others' comments: GitHub does not stop a takeover, the caller must.

        comment.body = bodyOf(req)
        comment.updated_at = new Date().toISOString()
        return { status: 200, body: comment }
      }
    }
  )

  // GraphQL (POST /graphql): only `viewer { login }`. GitHub answers 200 with `errors` for what it cannot serve.
  service.routes.push({
    method: 'POST',
    pattern: /^\/graphql$/,
    operation: 'graphql',
    handle: req => {
      authorize(req, false)
      const query = memberOf(req.body, 'query')
      if (typeof query !== 'string' || !/^\s*(query\s*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query))
        return {
          status: 200,
          body: { errors: [{ message: 'the sandbox serves only { viewer { login } }' }] }
        }
      return { status: 200, body: { data: { viewer: { login: actor.login } } } }
    }
  })

  return {
    apiUrl: service.origin,
    caCertPath: pki.caCertPath,
    caCert: pki.caCert,
    token,
    setPermission: p => {
      permission = p
    },
    actAs: user => {
      actor = {
        login: user.login,
        id: user.type === 'Bot' ? BOT.id + 1 : 2000 + user.login.length,
        type: user.type
      }
    },
    comments: (repo, issue) => list(repo, issue).map(c => ({ ...c })),
    addComment: (repo, issue, body, login = 'reviewer') =>
      add(repo, issue, body, login === BOT.login ? BOT : { login, id: 1000 + login.length, type: 'User' }),
    clear: () => {
      byIssue.clear()
      requestLog.length = 0
      faults.clear()
      permission = 'write'
      actor = BOT
    },
    requestLog,
    faults,
    stop: async () => {
      await service.stop()
      if (ownDir) await rm(ownDir, { recursive: true, force: true })
    }
  }
}
