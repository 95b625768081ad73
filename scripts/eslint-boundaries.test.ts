import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The dependency direction of DESIGN.md is enforced by lint; this proves the rule bites.
async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint();
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'qifu/boundaries').map((m) => m.message);
}

describe('qifu/boundaries lint rule', () => {
  it('keeps src/core free of imports from the rest of src', async () => {
    expect(await lint('src/core/x/a.ts', "import { AppError } from '../../platform/errors.ts';\nexport const a = AppError;\n")).toEqual([
      'src/core is pure: it may not import from src/platform',
    ]);
    expect(await lint('src/core/x/a.ts', "import { sm3 } from '../crypto/sm.ts';\nexport const a = sm3;\n")).toEqual([]);
  });

  it('lets a module reach another only through its index.ts', async () => {
    expect(await lint('src/modules/users/a.ts', "import { listOrg } from '../org/queries.ts';\nexport const a = listOrg;\n")).toEqual([
      'module users may reach module org only through its index.ts',
    ]);
    expect(await lint('src/modules/users/a.ts', "import { listOrg } from '../org/index.ts';\nexport const a = listOrg;\n")).toEqual([]);
  });

  it('keeps platform below modules and server', async () => {
    expect(await lint('src/platform/a.ts', "import { MODULES } from '../server/modules.ts';\nexport const a = MODULES;\n")).toHaveLength(1);
    expect(await lint('src/platform/a.ts', "import { orgModule } from '../modules/org/index.ts';\nexport const a = orgModule;\n")).toHaveLength(1);
  });
});
