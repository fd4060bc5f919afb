/**
 * A small IAM evaluator for identity policies: does this policy allow this action on this
 * resource? Allow/Deny, Action/Resource with '*' and '?' wildcards, case-insensitive actions.
 * Statements with Condition are evaluated as if the condition held (an upper bound on what the
 * policy allows, which is what a least-privilege check needs). NotAction/NotResource are refused.
 */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(value);
}

export function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  let allowed = false;
  for (const s of policy.Statement) {
    if ('NotAction' in s || 'NotResource' in s) throw new Error(`Statement ${s.Sid ?? ''} uses NotAction/NotResource`);
    const actionHit = list(s.Action).some((a) => wildcardMatch(a, action, true));
    const resourceHit = list(s.Resource).some((r) => wildcardMatch(r, resource));
    if (!actionHit || !resourceHit) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
