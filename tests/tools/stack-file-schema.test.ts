// schema/stack-file.schema.json: the JSON Schema editors use for Pulumi.<stack>.yaml (docs/configuration.md).
// Generated from the zod schemas by `npm run schema`; these tests hold
// it to the committed file, to the fixture stacks, to the mistakes it must catch and to what
// Pulumi itself writes into a stack file.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv2020, { ValidateFunction } from "ajv/dist/2020";
import * as YAML from "yaml";
import { preflight } from "../../preflight";
import { isIntOrPercent, isQuantity } from "../../quantity";
import { PROJECT_DIR } from "../../tools/cli";
import { SCHEMA_FILE, stackFileSchema, stackFileSchemaText } from "../../tools/stack-file-schema";
import { listStacks } from "../../tools/stack-files";
import { FIXTURE_STACKS_DIR } from "../helpers/stacks";
import { stackFileValidator } from "../helpers/stack-file-validator";

const committed = fs.readFileSync(path.join(PROJECT_DIR, SCHEMA_FILE), "utf8");
let validate: ValidateFunction;

/** The production fixture's whole stack file, as YAML gives it. */
function production(): Record<string, any> {
    return YAML.parse(fs.readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.production.yaml"), "utf8"));
}

function errorsOf(document: unknown): string {
    return validate(document) ? "" : JSON.stringify(validate.errors);
}

describe("the stack file's JSON Schema (schema/stack-file.schema.json)", () => {
    before(() => {
        validate = stackFileValidator();
    });

    it("is what `npm run schema` generates from the zod schemas (run it after changing schema/)", () => {
        assert.ok(
            committed === stackFileSchemaText(),
            `${SCHEMA_FILE} is out of date: run \`npm run schema\` and commit the file`,
        );
    });

    it("gives a key's default even where zod leaves it out of an input schema (a quantity's, such as namespace.limitRange.defaultRequest.cpu)", () => {
        const limitRange = JSON.parse(committed).$defs.namespace.properties.limitRange.properties;
        assert.equal(limitRange.defaultRequest.properties.cpu.default, "100m");
        assert.equal(limitRange.default.properties.memory.default, "512Mi");
    });

    // The repository's own stack files are checked against it with preview's checks (shipped-stacks.test.ts).
    for (const stack of listStacks(FIXTURE_STACKS_DIR)) {
        it(`the ${stack} fixture validates against it, and names it on its yaml-language-server line`, () => {
            const text = fs.readFileSync(path.join(FIXTURE_STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8");
            assert.equal(errorsOf(YAML.parse(text)), "");
            assert.match(text, /^# yaml-language-server: \$schema=(\.\.\/)+schema\/stack-file\.schema\.json$/m);
        });
    }

    it("rejects the typical mistakes: an unknown key, a word for a number, a bad enum value, a bad quantity", () => {
        const mistakes: [string, (file: Record<string, any>) => void][] = [
            [
                "a misspelt project key",
                (file) => {
                    file.config["berrys-platform:servces"] = file.config["berrys-platform:services"];
                },
            ],
            [
                "a misspelt project key without the namespace",
                (file) => {
                    file.config.servces = {};
                },
            ],
            [
                "an unknown key inside a service",
                (file) => {
                    file.config["berrys-platform:services"]["api-gateway"].maxReplica = 4;
                },
            ],
            [
                "a word for a number",
                (file) => {
                    file.config["berrys-platform:services"]["api-gateway"].minReplicas = "two";
                },
            ],
            [
                "a fraction for an integer",
                (file) => {
                    file.config["berrys-platform:nodeGroups"]["default-node-group"].maxSize = 2.5;
                },
            ],
            [
                "a bad enum value",
                (file) => {
                    file.config["berrys-platform:services"]["api-gateway"].priority = "urgent";
                },
            ],
            [
                "a bad quantity",
                (file) => {
                    file.config["berrys-platform:services"]["api-gateway"].resources.requests.cpu = "250 m";
                },
            ],
            [
                "a negative quantity",
                (file) => {
                    file.config["berrys-platform:namespace"].quota.pods = -1;
                },
            ],
            [
                "a count for a percentage",
                (file) => {
                    file.config["berrys-platform:services"]["api-gateway"].maxSurge = "25";
                },
            ],
            [
                "an unquoted version, read as a number",
                (file) => {
                    file.config["berrys-platform:cluster"].version = 1.3;
                },
            ],
            [
                "a quota key Kubernetes does not have",
                (file) => {
                    file.config["berrys-platform:namespace"].quota["limit.cpu"] = "4";
                },
            ],
            [
                "a missing required key",
                (file) => {
                    delete file.config["berrys-platform:services"];
                },
            ],
            [
                "a missing aws:region",
                (file) => {
                    delete file.config["aws:region"];
                },
            ],
            [
                "a misspelt top-level key",
                (file) => {
                    file.configs = {};
                },
            ],
        ];
        for (const [name, mutate] of mistakes) {
            const file = production();
            mutate(file);
            assert.notEqual(errorsOf(file), "", `${name} was accepted`);
        }
    });

    it("admits what Pulumi writes: secretsprovider, encryptedkey, encryptionsalt, environment, other namespaces' keys, { secure } values", () => {
        const file = production();
        Object.assign(file, {
            secretsprovider: "awskms://alias/pulumi",
            encryptedkey: "AQICAHh...",
            encryptionsalt: "v1:abc:def",
        });
        file.config["kubernetes:context"] = "berrys";
        file.config["aws:profile"] = { secure: "v1:AAAA" };
        file.config["berrys-platform:guardrails"].database = { maxConnections: { secure: "v1:BBBB" } };
        file.config["berrys-platform:services"]["api-gateway"].resources.requests.cpu = { secure: "v1:CCCC" };
        for (const environment of [
            ["berrys/production"],
            { imports: ["berrys/production"], values: { pulumiConfig: {} } },
        ]) {
            assert.equal(errorsOf({ ...file, environment }), "");
        }
        file.config["berrys-platform:guardrails"].database = { maxConnections: { secure: 1 } };
        assert.notEqual(errorsOf(file), "", "a secure value is ciphertext, a string");
    });

    it("admits the project's keys without their namespace, as Pulumi reads them", () => {
        const file = production();
        const config: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(file.config as Record<string, unknown>))
            config[key.replace(/^berrys-platform:/, "")] = value;
        assert.equal(errorsOf({ config: { ...config, "aws:region": "us-east-1" } }), "");
    });

    it("its quantity and int-or-percent patterns accept exactly what the program accepts", () => {
        const schema = stackFileSchema();
        const cpu = schema.$defs.services.additionalProperties.properties.resources.properties.requests.properties.cpu;
        const maxSurge = schema.$defs.services.additionalProperties.properties.maxSurge;
        const ajv = new Ajv2020({ strict: false });
        const quantityOk = ajv.compile({ ...cpu, $defs: schema.$defs });
        const percentOk = ajv.compile({ ...maxSurge, $defs: schema.$defs });
        for (const value of [
            "500m",
            "2",
            "0.5",
            ".5",
            "512Mi",
            "48Gi",
            "1e3",
            "100k",
            "500 m",
            "-1",
            "1.5.5",
            "Mi",
            "10MB",
            "2Gi ",
            2,
            0.5,
        ]) {
            assert.equal(
                quantityOk(value),
                typeof value === "number" || isQuantity(value),
                `quantity ${JSON.stringify(value)}`,
            );
        }
        for (const value of [0, 2, "25%", "100%", "25", "-1%", -1, 1.5, "%"]) {
            assert.equal(percentOk(value), isIntOrPercent(value), `int-or-percent ${JSON.stringify(value)}`);
        }
    });
});

describe("README: the minimum stack of 'Where to change what'", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Where to change what"));
    const text = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";

    it("passes every preview check, and the stack file's schema", () => {
        assert.match(text, /^# yaml-language-server: \$schema=/);
        const file = YAML.parse(text) as { config: Record<string, unknown> };
        const raw = Object.fromEntries(
            Object.entries(file.config)
                .filter(([key]) => key.startsWith("berrys-platform:"))
                .map(([key, value]) => [key.slice("berrys-platform:".length), value]),
        );
        const result = preflight(raw, { stack: "dev", region: String(file.config["aws:region"]) });
        assert.ok(result.ok, result.ok ? "" : result.message);
        assert.equal(errorsOf(file), "");
    });
    it("is the minimal fixture's config, so the tests' new stack (tests/adoption.test.ts) is the documented one", () => {
        const fixture = YAML.parse(fs.readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.minimal.yaml"), "utf8"));
        assert.deepEqual(YAML.parse(text).config, fixture.config);
    });
});
