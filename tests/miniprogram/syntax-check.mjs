// The checker behind tests/miniprogram/syntax.test.mjs (and the framework
// fixtures' test): ES2017 syntax, no import.meta / eval / new Function, no
// free reference to a web global WeChat lacks.
import * as acorn from 'acorn';
import { MISSING_GLOBALS } from './emulator.mjs';

/** Problems found in `source` (empty if it is fine for WeChat). */
export function checkMiniProgramSource(source, missing = MISSING_GLOBALS) {
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: 2017, sourceType: 'script', locations: true });
  } catch (e) {
    return [`not ES2017: ${e.message}`];
  }
  const problems = [];
  const declared = new Set();
  const refs = [];
  const walk = (node, parent, key) => {
    if (!node || typeof node.type !== 'string') return;
    const at = `line ${node.loc.start.line}`;
    switch (node.type) {
      case 'MetaProperty':
        problems.push(`${at}: ${node.meta.name}.${node.property.name}`);
        break;
      case 'CallExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'eval') problems.push(`${at}: eval()`);
        if (node.callee.type === 'Identifier' && node.callee.name === 'Function') problems.push(`${at}: Function()`);
        break;
      case 'NewExpression':
        if (node.callee.type === 'Identifier' && node.callee.name === 'Function') problems.push(`${at}: new Function`);
        break;
      case 'VariableDeclarator':
      case 'FunctionDeclaration':
      case 'ClassDeclaration':
      case 'FunctionExpression':
      case 'ClassExpression':
        if (node.id && node.id.type === 'Identifier') declared.add(node.id.name);
        break;
      case 'Identifier': {
        const isPropertyName =
          (parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
          (parent.type === 'Property' && key === 'key' && !parent.computed) ||
          (parent.type === 'MethodDefinition' && key === 'key' && !parent.computed);
        if (!isPropertyName) refs.push([node.name, at]);
        break;
      }
      default:
        break;
    }
    for (const k of Object.keys(node)) {
      if (k === 'loc') continue;
      const v = node[k];
      if (Array.isArray(v)) v.forEach((c) => walk(c, node, k));
      else if (v && typeof v.type === 'string') walk(v, node, k);
    }
  };
  walk(ast, { type: 'Root' }, null);
  // A free reference to a global WeChat lacks (a local binding of the same
  // name, such as an injected shim, is fine). Guarded `typeof X` uses are
  // fine too.
  const guarded = new Set();
  const findTypeof = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'UnaryExpression' && node.operator === 'typeof' && node.argument.type === 'Identifier') {
      guarded.add(node.argument);
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach(findTypeof);
      else if (v && typeof v.type === 'string') findTypeof(v);
    }
  };
  findTypeof(ast);
  const guardedNames = new Set([...guarded].map((n) => n.name));
  for (const [name, at] of refs) {
    if (missing.includes(name) && !declared.has(name) && !guardedNames.has(name)) {
      problems.push(`${at}: free reference to ${name}, which WeChat does not have`);
    }
  }
  return problems;
}

