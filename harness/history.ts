/**
 * A workflow history as readable text: payloads are base64 in the JSON form, so every
 * `data` field is decoded. Tests search it for secrets that must never be there.
 */
export function historyText(history: unknown): string {
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [
          key,
          key === 'data' && typeof item === 'string'
            ? Buffer.from(item, 'base64').toString('utf8')
            : decode(item),
        ]),
      );
    }
    return value;
  };
  return JSON.stringify(decode(JSON.parse(JSON.stringify(history))));
}
