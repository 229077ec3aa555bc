// What an app team reads about the services contract (issue 21 section 3): the `services` output's
// documentation and docs/services-contract.md say to create a counter's label children at start-up,
// how sidecars count, and the runbooks say how to tell a missing child from a broken pipeline.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { RUNBOOKS } from "../../components/monitoring/runbooks";
import { PROJECT_DIR } from "../../tools/stack-files";

const doc = (name: string) => readFileSync(join(PROJECT_DIR, "docs", name), "utf8");
const section = (text: string, heading: string) => {
    const start = text.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `missing ${heading}`);
    const next = text.indexOf("\n## ", start + heading.length + 2);
    return text.slice(start, next === -1 ? undefined : next);
};

describe("the services contract as an app team meets it", () => {
    it("docs/services-contract.md says to create every label child of the counter at start-up, with .labels(...)", () => {
        const text = section(doc("services-contract.md"), "## Counters at start-up");
        assert.match(text, /exports nothing until one of its children exists/);
        assert.match(text, /Create every\s+child you know of at start-up/);
        assert.match(text, /\.labels\(method=method, endpoint="\/", status=status\)/);
        assert.match(text, /runbooks\.md#hpametricunavailable/);
    });

    it("the services output's documentation (docs/outputs.md and the contract's JSDoc) says so too", () => {
        const row = doc("outputs.md")
            .split("\n")
            .find((line) => line.startsWith("| `services` |"));
        assert.ok(row);
        assert.match(row, /creates every label child of the counter behind its custom metric at start-up/);
        assert.match(row, /belong to the container named after the service/);
        const source = readFileSync(join(PROJECT_DIR, "components", "service-scaling.ts"), "utf8");
        assert.match(
            source.replace(/\n \* /g, " "),
            /must create every label child of the counter behind its custom metric at start-up/,
        );
    });

    it("the runbooks of HpaMetricUnavailable and HpaScalingInactive say how to tell a counter without children after a rollout", () => {
        for (const alert of ["HpaMetricUnavailable", "HpaScalingInactive"] as const) {
            const text = [...RUNBOOKS[alert].check, ...RUNBOOKS[alert].fix].join("\n");
            assert.match(text, /a labelled counter exports nothing until its first child exists/, alert);
            assert.match(text, /count by \(pod\)/, alert);
            assert.match(text, /create each label child of its counter at start-up/, alert);
        }
    });

    it("docs/services-contract.md says how utilization is computed with sidecars and that services.<service>.sidecars counts them", () => {
        const text = section(doc("services-contract.md"), "## Sidecars");
        assert.match(text, /`services\.<service>\.sidecars`/);
        assert.match(text, /GetResourceUtilizationRatio/);
        assert.match(text, /\(175m \+ 10m\) \/ 350m = 53%/);
    });
});
