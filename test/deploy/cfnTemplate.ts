/**
 * Just enough of CloudFormation to check a JSON template for real: find every reference
 * (Ref, Fn::GetAtt, ${...} in Fn::Sub, Condition) and render the template for one set of
 * parameter values the way CloudFormation would (conditions, Fn::If, AWS::NoValue, Fn::Sub).
 * Unknown intrinsic functions are errors, so the template cannot use one this does not check.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Template {
  Parameters: Record<string, JsonObject>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: JsonObject } & JsonObject>;
  Outputs: Record<string, JsonObject>;
}

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region',
  'AWS::StackId', 'AWS::StackName', 'AWS::URLSuffix',
];

export interface Reference {
  kind: 'Ref' | 'GetAtt' | 'Condition';
  name: string;
  attribute?: string;
  path: string;
}

/** Names inside a Fn::Sub string: ${Name} and ${Name.Attr}; ${!Literal} is not a reference. */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}!][^}]*)\}/g)].map((m) => m[1]!);
}

/** Every reference in the template, with where it is. */
export function collectReferences(node: Json, path = ''): Reference[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => collectReferences(n, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const refs: Reference[] = [];
  for (const [key, value] of Object.entries(node)) {
    const here = `${path}.${key}`;
    if (key === 'Ref' && typeof value === 'string') refs.push({ kind: 'Ref', name: value, path: here });
    else if (key === 'Fn::GetAtt' && Array.isArray(value)) {
      refs.push({ kind: 'GetAtt', name: String(value[0]), attribute: String(value[1]), path: here });
    } else if (key === 'Fn::Sub') {
      const text = Array.isArray(value) ? value[0] : value;
      const locals = Array.isArray(value) && value[1] && typeof value[1] === 'object' ? Object.keys(value[1]) : [];
      for (const v of subVariables(String(text))) {
        const [name, attribute] = v.split('.', 2) as [string, string | undefined];
        if (!locals.includes(name)) refs.push(attribute ? { kind: 'GetAtt', name, attribute, path: here } : { kind: 'Ref', name, path: here });
      }
      if (Array.isArray(value) && value[1]) refs.push(...collectReferences(value[1], `${here}[1]`));
      continue;
    } else if (key === 'Condition' && typeof value === 'string') refs.push({ kind: 'Condition', name: value, path: here });
    else if (key === 'Fn::If' && Array.isArray(value)) {
      refs.push({ kind: 'Condition', name: String(value[0]), path: here });
      refs.push(...collectReferences(value.slice(1), here));
      continue;
    }
    refs.push(...collectReferences(value, here));
  }
  return refs;
}

export interface RenderInput {
  parameters: Record<string, string | string[]>;
  pseudo: Record<string, string>;
  /** What Ref of a resource gives (a bucket's name, a policy's ARN ...). */
  resourceRef: (logicalId: string) => string;
  getAtt: (logicalId: string, attribute: string) => string;
}

const NO_VALUE = Symbol('AWS::NoValue');
type Rendered = Json | typeof NO_VALUE;

export class Renderer {
  readonly conditions: Record<string, boolean> = {};

  constructor(private readonly template: Template, private readonly input: RenderInput) {
    for (const name of Object.keys(template.Conditions)) this.condition(name);
  }

  condition(name: string): boolean {
    if (!(name in this.template.Conditions)) throw new Error(`Condition "${name}" is not declared`);
    this.conditions[name] ??= this.test(this.template.Conditions[name]!);
    return this.conditions[name]!;
  }

  private test(node: Json): boolean {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new Error(`Expected a condition function, got ${JSON.stringify(node)}`);
    const [fn, arg] = Object.entries(node)[0]!;
    const args = Array.isArray(arg) ? arg : [];
    switch (fn) {
      case 'Fn::Equals': return JSON.stringify(this.value(args[0]!)) === JSON.stringify(this.value(args[1]!));
      case 'Fn::Not': return !this.test(args[0]!);
      case 'Fn::And': return args.every((a) => this.test(a));
      case 'Fn::Or': return args.some((a) => this.test(a));
      case 'Condition': return this.condition(String(arg));
      default: throw new Error(`Unknown condition function ${fn}`);
    }
  }

  /** The value of a node, with conditions applied and AWS::NoValue removed. */
  value(node: Json): Json {
    const v = this.render(node);
    if (v === NO_VALUE) throw new Error('AWS::NoValue at the top level');
    return v;
  }

  /** A resource's properties as CloudFormation would see them, or undefined if its condition is false. */
  resource(logicalId: string): JsonObject | undefined {
    const r = this.template.Resources[logicalId];
    if (!r) throw new Error(`No resource ${logicalId}`);
    if (r.Condition && !this.condition(r.Condition)) return undefined;
    return this.value(r.Properties ?? {}) as JsonObject;
  }

  private render(node: Json): Rendered {
    if (Array.isArray(node)) return node.map((n) => this.render(n)).filter((n): n is Json => n !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'))) return this.intrinsic(keys[0]!, node[keys[0]!]!);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(node)) {
      const r = this.render(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private ref(name: string): Rendered {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in this.input.parameters) return this.input.parameters[name]!;
    if (name in this.template.Parameters) {
      const d = this.template.Parameters[name]!.Default;
      if (d === undefined) throw new Error(`Parameter ${name} has no value and no default`);
      return this.template.Parameters[name]!.Type === 'CommaDelimitedList' ? String(d).split(',') : (d as Json);
    }
    if (name in this.input.pseudo) return this.input.pseudo[name]!;
    if (name in this.template.Resources) return this.input.resourceRef(name);
    throw new Error(`Ref to undeclared ${name}`);
  }

  private intrinsic(fn: string, arg: Json): Rendered {
    switch (fn) {
      case 'Ref': return this.ref(String(arg));
      case 'Fn::If': {
        const [cond, a, b] = arg as [string, Json, Json];
        return this.render(this.condition(cond) ? a : b);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = arg as [string, string];
        if (!(id in this.template.Resources)) throw new Error(`GetAtt of undeclared ${id}`);
        return this.input.getAtt(id, attr);
      }
      case 'Fn::Sub': {
        const [text, locals] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, JsonObject];
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_m, bang: string, v: string) => {
          if (bang) return `\${${v}}`;
          if (v in locals) return String(this.value(locals[v]!));
          const [name, attr] = v.split('.', 2) as [string, string | undefined];
          return String(attr ? this.input.getAtt(name, attr) : this.ref(name));
        });
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [string, Json[]];
        return (this.value(list) as Json[]).map(String).join(sep);
      }
      default: throw new Error(`Intrinsic function ${fn} is not supported by this checker`);
    }
  }
}
