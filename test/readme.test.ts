import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configMessage } from './helpers/config.js';

// The README's config reference is what users copy: it must be a valid proxygen.yaml as a whole.
const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

describe('the README', () => {
  it('its config file example is valid as written', () => {
    const section = README.slice(README.indexOf('## The config file'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toContain('domain: pilot.example.com');
    expect(configMessage(example!)).toBe('');
  });

  it('commands for a server call the installed binary, never npx proxygen', () => {
    const outsideTheClone = README.slice(README.indexOf('## Deploying'));
    const commands = [...outsideTheClone.matchAll(/```(?:sh|cron|ini)\n([\s\S]*?)```/g)].map((block) => block[1]!).join('');
    expect(commands).toContain('proxygen apply');
    expect(commands).not.toMatch(/npx proxygen/);
  });
});
