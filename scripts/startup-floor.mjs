// The start-up floor for `npm run bench`: the least a Node process can do to reach ARM the way the action must,
// one HTTPS request after the other to GitHub's token service, to Entra and to ARM, with nothing loaded but
// node:https. The action's cold start (spawn → first ARM request) is compared with this process's, measured on
// the same machine in the same run, so the figure says what the action itself adds.
//   node startup-floor.mjs <oidc request url> <entra origin> <arm origin>   (token in ACTIONS_ID_TOKEN_REQUEST_TOKEN)
import { get } from 'node:https'

const [oidcUrl, entraOrigin, armOrigin] = process.argv.slice(2)
const token = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''

function request(url, headers = {}) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, res => {
      res.resume()
      res.on('end', resolve)
    }).on('error', reject)
  })
}

await request(`${oidcUrl}&audience=api://AzureADTokenExchange`, { authorization: `Bearer ${token}` })
await request(`${entraOrigin}/`)
await request(`${armOrigin}/`)
