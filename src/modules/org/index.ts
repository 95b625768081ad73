import { Type } from '@sinclair/typebox';
import type { ModuleManifest } from '../../platform/module.ts';
import { DEFAULT_DISTRICT, DEPARTMENTS, districtName, streetsOf } from './data.ts';
import { orgMigrations } from './migrations.ts';
import { listOrg, orgUnitExists, orgUnitName } from './queries.ts';

export { listOrg, orgUnitExists, orgUnitName, DEFAULT_DISTRICT };

const Unit = Type.Object({ code: Type.String(), name: Type.String() });

/** 组织机构: the district, its departments (委办局) and streets/towns (街镇). */
export const orgModule: ModuleManifest = {
  name: 'org',
  migrations: orgMigrations,
  async routes(app, { db }) {
    app.get(
      '/meta/org',
      {
        config: { access: 'public', scope: 'none' },
        schema: {
          tags: ['org'],
          summary: '区、委办局与街镇列表',
          response: { 200: Type.Object({ district: Unit, departments: Type.Array(Unit), streets: Type.Array(Unit) }) },
        },
      },
      async () => ({ district: { code: DEFAULT_DISTRICT, name: districtName(DEFAULT_DISTRICT) }, ...(await listOrg(db)) }),
    );
  },
  async seed({ db }) {
    // Reference data, always present; idempotent.
    const rows = [
      ...DEPARTMENTS.map((d, i) => ({ code: d.code, name: d.name, kind: 'department' as const, district: DEFAULT_DISTRICT, sort: i })),
      ...streetsOf(DEFAULT_DISTRICT).map((s, i) => ({ code: s.code, name: s.name, kind: 'street' as const, district: DEFAULT_DISTRICT, sort: i })),
    ];
    await db.insertInto('org_units').values(rows).onConflict((oc) => oc.column('code').doNothing()).execute();
  },
};
