/**
 * Finds a Chromium to drive: $CHROMIUM_PATH, then /usr/bin/chromium. On Debian as root, installs Debian's
 * `chromium` package when it is missing; elsewhere it stops with instructions. Playwright never downloads one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function isDebianRoot(): boolean {
  try {
    return process.getuid?.() === 0 && existsSync('/etc/debian_version') && /debian|ubuntu/i.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

export function findChromium(options: { install?: boolean; log?: (line: string) => void } = {}): string {
  const log = options.log ?? ((line: string) => console.error(line));
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH is set to ${fromEnv}, but no file is there.`);
  }
  if (existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  if (options.install !== false && isDebianRoot()) {
    log('Chromium not found: installing Debian package "chromium" (apt-get)...');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  }
  throw new Error(
    'No Chromium found. Install one and try again:\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  macOS: brew install --cask chromium, then export CHROMIUM_PATH="/Applications/Chromium.app/Contents/MacOS/Chromium"\n' +
      '  Windows: install Chromium or Chrome, then set CHROMIUM_PATH to its chrome.exe\n' +
      'or point CHROMIUM_PATH at any Chromium-based browser binary.',
  );
}

// `tsx scripts/support/chromium.ts`: the check run before e2e tests.
if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`Chromium: ${findChromium()}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
