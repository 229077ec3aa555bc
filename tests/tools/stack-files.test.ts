// tools/stack-files.ts: a stack file's YAML mistakes reported by file, line and column; the config
// as Pulumi reads it; and readStackFile's parse kept once, handed out as copies, read afresh after
// an edit (parsedFiles).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseYaml, readStackFile, StackFileError } from "../../tools/stack-files";
import { projectWith } from "../helpers/commands";

describe("readStackFile: parsed once, read fresh after an edit", () => {
    it("returns a copy each time, and the new text once the file changes", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-stack-files-"));
        try {
            const file = path.join(dir, "Pulumi.dev.yaml");
            fs.writeFileSync(
                file,
                "config:\n  aws:region: us-east-1\n  berrys-platform:namespace:\n    name: berrys-dev\n",
            );
            const first = readStackFile("dev", dir);
            (first.projectConfig.namespace as { name: string }).name = "changed-by-a-caller";
            assert.deepEqual(readStackFile("dev", dir).projectConfig.namespace, { name: "berrys-dev" });
            fs.writeFileSync(
                file,
                "config:\n  aws:region: eu-west-1\n  berrys-platform:namespace:\n    name: berrys-dev2\n",
            );
            const edited = readStackFile("dev", dir);
            assert.deepEqual(edited.projectConfig.namespace, { name: "berrys-dev2" });
            assert.equal(edited.context.region, "eu-west-1");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("stack files: YAML mistakes", () => {
    it("a syntax error is reported as <file>:<line>:<column>: <message>, with the lines around it", () => {
        const text =
            'config:\n  aws:region: us-east-1\n  berrys-platform:cluster:\n    version: "1.34"\n   protect: true\n';
        assert.throws(
            () => parseYaml(text, "Pulumi.staging.yaml"),
            (error: Error) => {
                assert.ok(error instanceof StackFileError);
                const [first, ...excerpt] = error.message.split("\n");
                assert.match(first, /^Pulumi\.staging\.yaml:5:\d+: \S.*[^:]$/);
                assert.ok(
                    excerpt.some((line) => line.includes("protect: true")),
                    error.message,
                );
                return true;
            },
        );
    });

    it("a duplicate key is an error at the second one", () => {
        assert.throws(
            () => parseYaml("config:\n  aws:region: a\n  aws:region: b\n", "Pulumi.x.yaml"),
            (error: Error) => /^Pulumi\.x\.yaml:3:3: Map keys must be unique\n/.test(error.message),
        );
    });

    it("a project key without its namespace is the project's, as Pulumi reads it; both forms at once is an error", () => {
        const dir = projectWith({
            "Pulumi.short.yaml": "config:\n  aws:region: us-east-1\n  simulation: { seed: 7 }\n",
            "Pulumi.both.yaml":
                "config:\n  aws:region: us-east-1\n  simulation: {}\n  berrys-platform:simulation: {}\n",
        });
        try {
            const short = readStackFile("short", dir);
            assert.deepEqual(short.projectConfig, { simulation: { seed: 7 } });
            assert.deepEqual(short.config, { "aws:region": "us-east-1", "berrys-platform:simulation": { seed: 7 } });
            assert.throws(
                () => readStackFile("both", dir),
                (error: Error) =>
                    /^Pulumi\.both\.yaml: config sets berrys-platform:simulation twice/.test(error.message),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a stack file whose config is not a map says so", () => {
        const dir = projectWith({ "Pulumi.list.yaml": "config:\n  - aws:region\n" });
        try {
            assert.throws(
                () => readStackFile("list", dir),
                (error: Error) => /^Pulumi\.list\.yaml: config must be a map from config key/.test(error.message),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
