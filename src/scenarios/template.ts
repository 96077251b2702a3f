/** Values a step's templates can use: `{{conversationId}}`, `{{customer.name}}`, `{{data.entryPointId}}`... */
export type TemplateContext = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([\w.$-]+)\s*\}\}/g;

/** Builds the template context of a run: ids, the conversation data, and its keys at the top level. */
export function createTemplateContext(input: {
  provider: string;
  conversationId: string;
  scenario: string;
  seed: number;
  data: Record<string, unknown>;
}): TemplateContext {
  return { ...input.data, ...input, data: input.data };
}

/** Renders `{{path}}` placeholders in every string of a JSON-like value; throws on a path with no value. */
export function renderTemplates<T>(value: T, context: TemplateContext): T {
  if (typeof value === 'string') return renderString(value, context) as T;
  if (Array.isArray(value)) return value.map((v) => renderTemplates(v, context)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplates(v, context)])) as T;
  }
  return value;
}

function renderString(text: string, context: TemplateContext): string {
  return text.replace(PLACEHOLDER, (_, path: string) => {
    const value = lookup(context, path);
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(
        `template {{${path}}} has no ${value === undefined || value === null ? 'value' : 'text value'}. ` +
          `Please use one of: ${listPaths(context).join(', ')}`,
      );
    }
    return String(value);
  });
}

function lookup(context: unknown, path: string): unknown {
  let current = context;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Lists the scalar paths of a context (for error messages). */
function listPaths(value: unknown, prefix = '', depth = 0): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 3) {
    return prefix ? [prefix] : [];
  }
  return Object.entries(value).flatMap(([key, v]) =>
    prefix === '' && key === 'data' ? [] : listPaths(v, prefix ? `${prefix}.${key}` : key, depth + 1),
  );
}
