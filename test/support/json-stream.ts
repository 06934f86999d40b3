/**
 * Splits meshc `--json` stderr into top-level JSON objects and leftover text. meshc writes
 * type-checker objects back to back (`}{`) with plain-text lines in between, so this scans
 * for balanced braces outside strings instead of splitting on newlines. Test-only helper.
 */
export function scanJsonObjects(text: string): { objects: unknown[]; rest: string } {
  const objects: unknown[] = [];
  let rest = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '{') {
      rest += text[i];
      i++;
      continue;
    }
    let depth = 0;
    let inString = false;
    let j = i;
    for (; j < text.length; j++) {
      const ch = text[j];
      if (inString) {
        if (ch === '\\') j++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
    }
    const slice = text.slice(i, j + 1);
    try {
      objects.push(JSON.parse(slice));
    } catch {
      rest += slice;
    }
    i = j + 1;
  }
  return { objects, rest };
}
