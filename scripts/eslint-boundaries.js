// ESLint rule that keeps the dependency direction of DESIGN.md:
//   core ← platform ← modules ← server | cli
// (integration tests in platform and modules may use src/server's test harness)
// - src/core imports nothing else from src;
// - src/platform imports only core and platform;
// - a module reaches another module only through its index.ts.
import path from 'node:path';

const srcRoot = path.resolve(process.cwd(), 'src');

function area(file) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  return { top: parts[0], module: parts[0] === 'modules' ? parts[1] : undefined, rest: parts.slice(parts[0] === 'modules' ? 2 : 1).join('/') };
}

export const boundaries = {
  meta: { type: 'problem', schema: [], messages: { bad: '{{why}}' } },
  create(context) {
    const from = area(context.filename);
    if (!from) return {};
    const isTest = /\.test\.ts$/.test(context.filename);
    function check(node) {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = area(path.resolve(path.dirname(context.filename), spec));
      if (!to) return;
      let why = null;
      if (from.top === 'core' && to.top !== 'core') why = 'src/core is pure: it may not import from src/' + to.top;
      // Platform integration tests may use the composition root to build a full schema.
      else if (from.top === 'platform' && !['core', 'platform'].includes(to.top) && !(isTest && to.top === 'server')) why = 'src/platform may import only core and platform, not src/' + to.top;
      // Module integration tests build the real app through the server's test harness.
      else if (from.top === 'modules' && ['server', 'cli'].includes(to.top) && !(isTest && to.top === 'server')) why = 'modules may not import src/' + to.top;
      else if (from.top === 'modules' && to.top === 'modules' && to.module !== from.module && to.rest !== 'index.ts')
        why = `module ${from.module} may reach module ${to.module} only through its index.ts`;
      if (why) context.report({ node: node.source, messageId: 'bad', data: { why } });
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
