/**
 * Just enough PromQL reading to check our alert rules and dashboard queries without
 * promtool: balanced brackets, the functions called, and each selector's metric name and
 * label matchers. Not a parser: it relies on the queries being written plainly.
 */

export interface Selector {
  metric: string;
  /** Label names matched in `{...}`. */
  labels: string[];
}

/** Functions and aggregations of PromQL that our queries may call. */
export const PROMQL_FUNCTIONS = new Set([
  'abs',
  'absent',
  'absent_over_time',
  'avg',
  'avg_over_time',
  'bottomk',
  'ceil',
  'changes',
  'clamp_max',
  'clamp_min',
  'count',
  'count_over_time',
  'delta',
  'deriv',
  'floor',
  'group',
  'histogram_quantile',
  'idelta',
  'increase',
  'irate',
  'label_replace',
  'last_over_time',
  'max',
  'max_over_time',
  'min',
  'min_over_time',
  'quantile',
  'rate',
  'resets',
  'round',
  'scalar',
  'sort',
  'sort_desc',
  'stddev',
  'sum',
  'sum_over_time',
  'time',
  'timestamp',
  'topk',
  'vector',
]);

const AGGREGATIONS = /\b(sum|min|max|avg|count|group|stddev|topk|bottomk|quantile)\s*(by|without|\()/;
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
  'atan2',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);
const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** A Prometheus duration (`5m`, `1h30m`, `0`), as in `for:` and range selectors. */
export function isDuration(text: string): boolean {
  return text === '0' || (text !== '' && DURATION.test(text));
}

/** The query with every string literal emptied, so that nothing inside one is read as syntax. */
export function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, (quoted) => quoted[0]!.repeat(2));
}

/** Where the first unbalanced (, [ or { is, or undefined when all close in order. */
export function unbalanced(expr: string): string | undefined {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const open: string[] = [];
  const text = withoutStrings(expr);
  for (const [i, char] of [...text].entries()) {
    if (char in closing) open.push(closing[char]!);
    else if (char === ')' || char === ']' || char === '}') {
      if (open.pop() !== char) return `unexpected ${char} at ${i}`;
    }
  }
  return open.length ? `missing ${open.reverse().join('')}` : undefined;
}

/** Range and subquery durations: `[5m]`, `[1h:1m]`; Grafana's `$__rate_interval` is left alone. */
export function rangeDurations(expr: string): string[] {
  return [...withoutStrings(expr).matchAll(/\[([^\]]*)\]/g)]
    .flatMap((match) => match[1]!.split(':'))
    .map((part) => part.trim())
    .filter((part) => part !== '' && !part.startsWith('$'));
}

/** Labels named in by/without/on/ignoring/group_left/group_right clauses. */
export function groupingLabels(expr: string): string[] {
  return [...withoutStrings(expr).matchAll(GROUPING)].flatMap((match) =>
    match[2]!
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
}

export function aggregates(expr: string): boolean {
  return AGGREGATIONS.test(withoutStrings(expr));
}

export interface Reading {
  selectors: Selector[];
  functions: string[];
  /** Selectors written as a bare `{...}`, without a metric name. */
  unnamed: string[];
}

export function readQuery(expr: string): Reading {
  const text = withoutStrings(expr)
    .replace(/\[[^\]]*\]/g, '')
    .replace(GROUPING, '');
  const reading: Reading = { selectors: [], functions: [], unnamed: [] };
  const token = /(?<![\w.$])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?|(\{[^}]*\})/g;
  for (const match of text.matchAll(token)) {
    const [, name, braces, bare] = match;
    if (bare !== undefined) {
      reading.unnamed.push(bare);
      continue;
    }
    if (KEYWORDS.has(name!)) continue;
    const after = text.slice(match.index + match[0].length).trimStart();
    if (braces === undefined && after.startsWith('(')) reading.functions.push(name!);
    else {
      const labels = [...(braces ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1]!);
      reading.selectors.push({ metric: name!, labels });
    }
  }
  return reading;
}
