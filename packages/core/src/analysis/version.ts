/** The marr version recorded in every report (the version of @marr/core). */
import corePackage from '../../package.json' with { type: 'json' };

export const MARR_VERSION: string = corePackage.version;
