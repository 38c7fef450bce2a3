/** Telegram refuses a message longer than this many characters (UTF-16 code units). */
export const TELEGRAM_MAX_TEXT = 4096;

/**
 * Splits a text into messages Telegram accepts, never cutting one: at line breaks where
 * it can (an agenda line stays whole), inside a line only when one line alone is too
 * long, and never between the two halves of a surrogate pair.
 */
export function splitText(text: string, max = TELEGRAM_MAX_TEXT): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current !== '') parts.push(current);
    current = line;
    while (current.length > max) {
      const cut = isHighSurrogate(current.charCodeAt(max - 1)) ? max - 1 : max;
      parts.push(current.slice(0, cut));
      current = current.slice(cut);
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
