// The tuner's proposal as files: the stack file with the changes applied (located with the `yaml`
// package's Document API and replaced in place, so every comment, blank line and flow style stays
// as written), and a unified diff of it against the stack file (jsdiff). Pure functions of text;
// tools/tune.ts writes them.
import { createTwoFilesPatch } from "diff";
import * as YAML from "yaml";
import { PROJECT } from "../config";
import type { Change } from "../simulator/tuner/search-space";

/**
 * `text` (a Pulumi.<stack>.yaml) with each change set at `config.berrys-platform:<key>...`. Each
 * value is replaced where it stands in the text (the Document API gives every node's source range),
 * so every other byte, comments and flow styles included, stays as written; a key the file lacks is
 * inserted as the first key of its map, at that map's indent. Where even the map is missing, the
 * Document API adds it (and formats the file its own way).
 */
export function applyChanges(text: string, changes: readonly Change[]): string {
    let result = text;
    const pending: Change[] = [];
    // Edits from the end of the file backwards, so earlier ranges stay valid.
    const edits: { start: number; end: number; text: string }[] = [];
    const document = YAML.parseDocument(text);
    for (const change of changes) {
        const path = yamlPath(change);
        const node = document.getIn(path, true) as YAML.Node | undefined;
        if (node !== undefined && node.range !== undefined && node.range !== null) {
            const rendered = renderLike(node, change.to);
            if (rendered !== undefined) {
                edits.push({ start: node.range[0], end: node.range[1], text: rendered });
                continue;
            }
        }
        const parent = document.getIn(path.slice(0, -1), true);
        if (
            node === undefined &&
            YAML.isMap(parent) &&
            !parent.flow &&
            parent.items.length > 0 &&
            YAML.isNode(parent.items[0].key) &&
            parent.items[0].key.range
        ) {
            const keyStart = parent.items[0].key.range[0];
            const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
            const indent = text.slice(lineStart, keyStart);
            edits.push({
                start: lineStart,
                end: lineStart,
                text: `${indent}${String(path[path.length - 1])}: ${renderPlain(change.to)}\n`,
            });
            continue;
        }
        pending.push(change);
    }
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
        result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
    }
    if (pending.length === 0) return result;
    const rest = YAML.parseDocument(result);
    for (const change of pending) rest.setIn(yamlPath(change), change.to);
    return rest.toString({ lineWidth: 0 });
}

function yamlPath(change: Change): (string | number)[] {
    const [key, ...rest] = change.path;
    return ["config", `${PROJECT}:${key}`, ...rest];
}

/** `value` written the way `node` is: a double-quoted scalar stays quoted, a flow list stays flow. */
function renderLike(node: YAML.Node, value: unknown): string | undefined {
    if (YAML.isScalar(node)) {
        if (node.type === "QUOTE_DOUBLE") return JSON.stringify(String(value));
        if (node.type === "QUOTE_SINGLE") return `'${String(value).replace(/'/g, "''")}'`;
        return renderPlain(value);
    }
    if (
        YAML.isSeq(node) &&
        node.flow &&
        Array.isArray(value) &&
        value.every((item) => item === null || typeof item !== "object")
    ) {
        return `[${value.map(renderPlain).join(", ")}]`;
    }
    return undefined;
}

/**
 * A value as YAML writes it on its own line: a scalar plain when that reads back the same, quoted
 * otherwise ("58" stays a string); a map or list in flow style, so it fits after its key.
 */
function renderPlain(value: unknown): string {
    return new YAML.Document(value).toString({ lineWidth: 0, collectionStyle: "flow" }).trimEnd();
}

/** A unified diff (3 lines of context) from `before` to `after`, as jsdiff's `createTwoFilesPatch` writes it. */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string): string {
    return before === after
        ? ""
        : createTwoFilesPatch(fromName, toName, before, after, undefined, undefined, { context: 3 });
}
