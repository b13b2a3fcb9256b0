#!/usr/bin/env node
// `npx not-alone …`: runs the TypeScript CLI through tsx (installed with the project's dependencies).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
