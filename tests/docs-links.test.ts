// Every link a document or a message gives resolves: markdown links to files and their heading
// anchors (GitHub's slugs), references to a page and one of its headings in code, messages and
// docs, and each alert's runbook_url.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { SCALING_ALERTS } from "../schema/monitoring";
import { scalingRuleGroups } from "../components/monitoring/rules";
import { PROJECT_DIR } from "../tools/stack-files";
import { githubSlug, headingAnchors, markdownLinks } from "./helpers/markdown";
import { productionInput } from "./helpers/monitoring-input";

/** Directories never scanned: dependencies, results, upstream copies (their links point upstream). */
const SKIPPED = new Set(["node_modules", ".git", "out", path.join("tests", "fixtures", "charts")]);

function filesUnder(dir: string, extensions: readonly string[]): string[] {
    return fs.readdirSync(path.join(PROJECT_DIR, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = path.join(dir, entry.name);
        if (SKIPPED.has(relative) || SKIPPED.has(entry.name)) return [];
        if (entry.isDirectory()) return filesUnder(relative, extensions);
        return extensions.some((extension) => entry.name.endsWith(extension)) ? [relative] : [];
    });
}

const anchorsOf = new Map<string, Set<string>>();
/** The heading anchors of a repository file, or undefined when there is no such file. */
function anchors(file: string): Set<string> | undefined {
    if (!anchorsOf.has(file)) {
        const full = path.join(PROJECT_DIR, file);
        if (!fs.existsSync(full)) return undefined;
        anchorsOf.set(file, headingAnchors(fs.readFileSync(full, "utf8")));
    }
    return anchorsOf.get(file);
}

/** Why `file#anchor` does not resolve, or undefined when it does. */
function brokenTarget(file: string, anchor: string | undefined): string | undefined {
    const found = anchors(file);
    if (found === undefined) return `${file} does not exist`;
    if (anchor !== undefined && anchor !== "" && !found.has(anchor))
        return `${file} has no heading with anchor #${anchor}`;
    return undefined;
}

/**
 * `docs/operations.md "Deploying from nothing"`, `README "Set-up (offline)"`, `docs/runbooks.md#hpathrashing`:
 * references to this repository's pages. One qualified by an upstream path or repository
 * (`cloudprovider/aws/README.md`, `kubernetes-sigs/aws-ebs-csi-driver README "Compatibility"`, `its README`) is not ours.
 */
const REFERENCE =
    /(?<![\w/.-])(?<!\w\/[\w.-]+ )(?<!its )(README(?:\.md)?|docs\/[\w-]+\.md|[\w-]+\.md)(?: \(?"([^"\n]+)"|#([\w-]+))/g;

/** A page named alone (`operations.md "..."`) is a sibling only in a markdown page; in code it is upstream's (the seed's guide). */
const isOurs = (name: string, from: string) =>
    name.startsWith("README") || name.startsWith("docs/") || from.endsWith(".md");

function referencedFile(name: string, from: string): string {
    if (name === "README" || name === "README.md") return "README.md";
    if (name.startsWith("docs/")) return name;
    return path.join(path.dirname(from), name);
}

describe("links resolve: documents, messages and runbook URLs", () => {
    it("every markdown link to a repository file points at a file that exists, and at one of its headings", () => {
        const broken: string[] = [];
        for (const file of filesUnder(".", [".md"])) {
            for (const { line, target } of markdownLinks(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"))) {
                if (/^[a-z]+:/i.test(target)) continue;
                const [page, anchor] = target.split("#");
                const resolved =
                    page === "" ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(page)));
                const full = path.join(PROJECT_DIR, resolved);
                const problem = !fs.existsSync(full)
                    ? `${resolved} does not exist`
                    : resolved.endsWith(".md")
                      ? brokenTarget(resolved, anchor)
                      : undefined;
                if (problem !== undefined) broken.push(`${file}:${line}: (${target}): ${problem}`);
            }
        }
        assert.deepEqual(broken, []);
    });

    it('every "<page> \\"Heading\\"" reference in code, messages and docs names an existing heading of that page', () => {
        const broken: string[] = [];
        let references = 0;
        const sources = filesUnder(".", [".ts", ".js", ".md", ".yaml"]).filter(
            (file) => !/^Pulumi\.[^/]+\.yaml$/.test(file) || file === "Pulumi.yaml",
        );
        for (const file of sources) {
            fs.readFileSync(path.join(PROJECT_DIR, file), "utf8")
                .split("\n")
                .forEach((text, index) => {
                    for (const match of text.matchAll(REFERENCE)) {
                        if (!isOurs(match[1], file)) continue;
                        references++;
                        const target = referencedFile(match[1], file);
                        const problem = brokenTarget(target, match[2] !== undefined ? githubSlug(match[2]) : match[3]);
                        if (problem !== undefined) broken.push(`${file}:${index + 1}: ${match[0]}: ${problem}`);
                    }
                });
        }
        assert.ok(references > 10, `only ${references} references found: is the pattern still right?`);
        assert.deepEqual(broken, []);
    });

    it("each alert's runbook_url (the default runbookBaseUrl) opens its runbook's heading in docs/runbooks.md", () => {
        const urls = scalingRuleGroups(productionInput())
            .flatMap((group) => group.rules)
            .map((rule) => (rule as { annotations?: { runbook_url?: string } }).annotations?.runbook_url)
            .filter((url): url is string => url !== undefined);
        assert.equal(urls.length, SCALING_ALERTS.length);
        for (const url of urls) {
            const [page, anchor] = url.split("#");
            assert.equal(brokenTarget(page, anchor), undefined, url);
        }
    });

    it("the checks can fail: a missing page, a missing heading and an upstream reference are told apart", () => {
        assert.match(brokenTarget("docs/nowhere.md", undefined) ?? "", /does not exist/);
        assert.match(brokenTarget("docs/runbooks.md", "no-such-alert") ?? "", /no heading with anchor #no-such-alert/);
        const found = (text: string) => [...text.matchAll(REFERENCE)].map((match) => match[0]);
        assert.deepEqual(found('see docs/operations.md "Deploying from nothing" and README "Set-up (offline)"'), [
            'docs/operations.md "Deploying from nothing"',
            'README "Set-up (offline)"',
        ]);
        assert.deepEqual(
            found(
                'kubernetes-sigs/aws-ebs-csi-driver README "Compatibility", cloudprovider/aws/README.md "x", its README "Support"',
            ),
            [],
        );
        assert.equal(githubSlug("Set-up (offline)"), "set-up-offline");
        assert.equal(githubSlug("### `cluster`".replace(/^#+ /, "")), "cluster");
    });
});
