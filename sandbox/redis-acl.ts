// Azure access policies are Redis ACL rule strings; these helpers turn an access policy assignment into the
// ACL user that Azure Cache for Redis creates for it: named by the object id, with the principal's tokens as
// passwords.

/**
 * Azure writes the key pattern as `allkeys` (and may write `allchannels` / `allcommands`); Redis spells them
 * `~*`, `&*` and `+@all`. Every other rule (`+@read`, `-@dangerous`, `+get`, `~app:*`, ...) is Redis syntax.
 */
export function aclRules(permissions: string): string[] {
  const aliases: Record<string, string> = { allkeys: '~*', allchannels: '&*', allcommands: '+@all' }
  return permissions
    .split(/\s+/)
    .filter(rule => rule !== '')
    .map(rule => aliases[rule.toLowerCase()] ?? rule)
}

/**
 * `ACL SETUSER <oid> reset on >token… <rules>`: `reset` drops earlier passwords and rules so the user is exactly
 * the assignment. No extra rules are added for the connection handshake: AUTH and HELLO are `no-auth` commands
 * that Redis never checks against ACLs, and node-redis ignores failures of the CLIENT SETINFO /
 * CLIENT MAINT_NOTIFICATIONS it pipelines after HELLO, so even a narrow custom policy can connect.
 */
export function setUserCommand(objectId: string, tokens: Iterable<string>, permissions: string): string[] {
  const passwords = [...tokens].map(token => `>${token}`)
  return ['ACL', 'SETUSER', objectId, 'reset', 'on', ...passwords, ...aclRules(permissions)]
}
