import { describe, expect, it } from 'vitest';
import { splitText, TELEGRAM_MAX_TEXT } from '../../src/telegram/split-text.js';

describe('splitting a long message for Telegram', () => {
  it('sends a short text as it is', () => {
    expect(splitText('one line')).toEqual(['one line']);
  });

  it('splits a busy agenda at line breaks, every part within the limit, nothing lost', () => {
    const lines = Array.from(
      { length: 300 },
      (_, i) => `09:${String(i % 60).padStart(2, '0')} 🚗 Toyota Camry · AB-${i}-CD · клиент ${i}`,
    );
    const text = lines.join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(parts.join('\n')).toBe(text);
    for (const part of parts) expect(lines).toContain(part.split('\n')[0]);
  });

  it('cuts inside a line only when the line alone is too long, never between a surrogate pair', () => {
    const line = 'a'.repeat(9) + '🚗'.repeat(10);
    const parts = splitText(line, 10);
    expect(parts.join('')).toBe(line);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(10);
      expect(part).toBe(Buffer.from(part, 'utf8').toString('utf8'));
    }
  });
});
