// Helm's merge of user values over a chart's defaults (helm/helm pkg/chart/common/util/coalesce.go
// `coalesceTablesFullKey`): maps merge key by key, recursively; any other value (a list, a
// scalar) replaces the default whole; a null deletes the default key. The tests use it to see what
// the charts actually render from the program's values.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export type Values = Record<string, unknown>;

export function isMap(value: unknown): value is Values {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function helmMerge(defaults: unknown, values: unknown): unknown {
    if (!isMap(defaults) || !isMap(values)) {
        return values === undefined ? defaults : values;
    }
    const merged: Values = { ...defaults };
    for (const [key, value] of Object.entries(values)) {
        if (value === null) {
            delete merged[key];
        } else {
            merged[key] = helmMerge(defaults[key], value);
        }
    }
    return merged;
}

/** Dotted paths where the program sets a map and the chart's default there is a non-empty map: Helm merges the two. */
export function mapsMeetingDefaults(values: Values, defaults: unknown, prefix = ""): string[] {
    const places: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const at = prefix ? `${prefix}.${key}` : key;
        const fallback = isMap(defaults) ? defaults[key] : undefined;
        if (!isMap(value) || !isMap(fallback)) continue;
        // A place is where a default key the program does not set survives the merge with a value
        // that renders something (null, {} and [] render nothing).
        if (keptDefaults(value, fallback).length > 0) places.push(at);
        places.push(...mapsMeetingDefaults(value, fallback, at));
    }
    return places;
}

/** The default keys of `defaults` that survive under `values` with a value that renders something. */
export function keptDefaults(values: Values, defaults: Values): string[] {
    const empty = (value: unknown) =>
        value === null ||
        value === undefined ||
        (Array.isArray(value) && value.length === 0) ||
        (isMap(value) && Object.keys(value).length === 0);
    return Object.keys(defaults).filter((key) => !(key in values) && !empty(defaults[key]));
}

/** The charts' default values.yaml at their pinned tags, and the README naming each source. */
export const CHARTS_DIR = path.join(__dirname, "..", "fixtures", "charts");

/** Each chart's default values, parsed once per process: the largest file takes a tenth of a second. */
const parsedDefaults = new Map<string, Values>();

/** A chart's default values.yaml from tests/fixtures/charts (a copy the caller may change). */
export function chartDefaults(chart: string): Values {
    let values = parsedDefaults.get(chart);
    if (values === undefined) {
        values = YAML.parse(fs.readFileSync(path.join(CHARTS_DIR, `${chart}.values.yaml`), "utf8")) as Values;
        parsedDefaults.set(chart, values);
    }
    return structuredClone(values);
}
