/** Strava scopes as stored ("read,activity:read_all") or as the OAuth redirect reports them. */
export function parseScopes(scopes: string | undefined): string[] {
  return (scopes ?? "").split(/[,\s]+/).filter(Boolean);
}
