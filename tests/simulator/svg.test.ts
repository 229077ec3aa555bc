// The simulator's charts (simulator/svg.ts): their structure, tested on real runs, and the text
// layout they rest on (DejaVu Sans advance widths, legend rows that never overlap).
import { strict as assert } from "assert";
import { parseConfig, PlatformConfig } from "../../config";
import { profile, ProfileName } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { LEGEND_SWATCH, legendLayout, serviceChartSvg, textWidth, wrapText } from "../../simulator/svg";
import { fixtureStack } from "../helpers/stacks";
import * as fs from "fs";
import { chartCases, chartHashes, SIMULATION_CHARTS_FILE } from "../helpers/simulation-charts";

function config(stack: string): PlatformConfig {
    const file = fixtureStack(stack);
    const parsed = parseConfig(file.projectConfig, file.context);
    assert.ok(parsed.ok);
    return parsed.config;
}

const cache = new Map<string, ReturnType<typeof simulate>>();
function chart(stack: string, name: ProfileName, service: string): string {
    const key = `${stack}/${name}`;
    if (!cache.has(key)) cache.set(key, simulate(config(stack), profile(name, 1)));
    const result = cache.get(key)!;
    return serviceChartSvg(result, result.services.find((run) => run.model.name === service)!);
}

const attr = (element: string, name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(element)?.[1]);

describe("simulator charts: text layout", () => {
    it("measures text with DejaVu Sans's advance widths (DejaVuSans.ttf hmtx, 2048 units per em)", () => {
        // At 2048 px one px is one font unit: a 1255, m 1995, W 2025, i 569, space 651, 0 1303.
        for (const [text, units] of [
            ["a", 1255],
            ["m", 1995],
            ["W", 2025],
            ["i", 569],
            [" ", 651],
            ["0", 1303],
        ] as const) {
            assert.ok(Math.abs(textWidth(text, 2048) - units) <= 1.5, `${text}: ${textWidth(text, 2048)}`);
        }
        assert.ok(
            Math.abs(
                textWidth("ready replicas", 11) -
                    (textWidth("ready", 11) + textWidth(" ", 11) + textWidth("replicas", 11)),
            ) < 1e-9,
        );
        assert.equal(textWidth("±", 10), 10, "a character outside the table counts as a full em");
    });

    it("wraps a long description at spaces within the width", () => {
        const lines = wrapText("alpha beta gamma delta epsilon zeta eta theta iota kappa", 100);
        assert.ok(lines.length > 1);
        for (const line of lines) assert.ok(textWidth(line) <= 100, line);
        assert.equal(lines.join(" "), "alpha beta gamma delta epsilon zeta eta theta iota kappa");
    });

    it("lays the legend out in rows whose entries never overlap and never pass the width", () => {
        const labelSets = [
            [
                "load, millicores of CPU work (right axis)",
                "desired replicas (HPA)",
                "needed replicas",
                "ready replicas",
                "nodes (whole cluster: every group, every service)",
                "maxReplicas (15)",
                "quota refused pods",
                "pods waiting for a node",
            ],
            Array.from({ length: 12 }, (_, i) => `${"W".repeat(i + 3)} ${i}`),
            ["a single label much wider than anything else in the legend, on its own"],
        ];
        for (const labels of labelSets) {
            const boxes = legendLayout(
                labels.map((label) => ({ label })),
                64,
                400,
                816,
            );
            boxes.forEach((box, i) => {
                assert.ok(box.width >= LEGEND_SWATCH + textWidth(box.label));
                assert.ok(box.x + box.width <= 64 + 816 || box.x === 64, `${box.label} passes the right edge`);
                for (const other of boxes.slice(i + 1)) {
                    const apart = other.y !== box.y || other.x >= box.x + box.width || box.x >= other.x + other.width;
                    assert.ok(apart, `${box.label} overlaps ${other.label}`);
                }
            });
        }
    });
});

describe("simulator charts: structure", () => {
    it("is one well-formed SVG element with a polyline per series", () => {
        const svg = chart("production", "spike", "agent-orchestrator");
        assert.match(svg, /^<svg [^>]+>/);
        assert.match(svg, /<\/svg>\n$/);
        assert.equal((svg.match(/<polyline /g) ?? []).length, 5);
    });

    it("draws a labelled line at maxReplicas", () => {
        const svg = chart("production", "spike", "agent-orchestrator");
        const lines = svg.match(/<line class="max-replicas"[^>]*>/g) ?? [];
        assert.equal(lines.length, 1);
        assert.match(svg, />maxReplicas 10</);
        // maxReplicas 10 of a 0-20 axis: half way up the plot.
        const frame = /<rect x="64" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="none"/.exec(svg)!;
        assert.ok(Math.abs(attr(lines[0], "y1") - (Number(frame[1]) + Number(frame[2]) / 2)) < 0.01);
    });

    it("marks where the quota refused pods (production peak: limits.cpu) and where pods waited for a node (production spike)", () => {
        const peak = chart("production", "peak", "api-gateway");
        assert.ok((peak.match(/class="span quota-refused"/g) ?? []).length >= 1);
        assert.ok((peak.match(/class="marker quota-refused"/g) ?? []).length >= 1);
        const spike = chart("production", "spike", "agent-orchestrator");
        assert.ok(
            (spike.match(/class="span node-wait"/g) ?? []).length >= 1,
            "agent-orchestrator's 6th pod waits for a 4th node",
        );
        assert.equal((spike.match(/class="span quota-refused"/g) ?? []).length, 0);
        const staging = chart("staging", "spike", "api-gateway");
        assert.equal(
            (staging.match(/class="span (quota-refused|node-wait)"/g) ?? []).length,
            0,
            "staging's spike fits on its nodes and in its quota",
        );
    });

    it("says the node line counts the whole cluster, not the service's nodes", () => {
        assert.match(
            chart("production", "spike", "api-gateway"),
            /data-name="nodes \(whole cluster: every group, every service\)"/,
        );
    });

    it("marks where each rolling update starts (production rollout), and draws none without one", () => {
        const key = "production/rollout";
        if (!cache.has(key)) cache.set(key, simulate(config("production"), profile("rollout", 1)));
        const result = cache.get(key)!;
        const run = result.services.find((each) => each.model.name === "api-gateway")!;
        assert.ok(run.rollouts.length >= 1);
        const svg = serviceChartSvg(result, run);
        assert.equal((svg.match(/<g class="rollout-start">/g) ?? []).length, run.rollouts.length);
        assert.match(svg, />rolling update starts</);
        assert.equal((chart("production", "spike", "api-gateway").match(/class="rollout-start"/g) ?? []).length, 0);
    });

    it("draws the spike's responseSeconds limit 240 s after the step, where the criterion is checked", () => {
        const key = "production/spike";
        if (!cache.has(key)) cache.set(key, simulate(config("production"), profile("spike", 1)));
        const result = cache.get(key)!;
        const run = result.services.find((each) => each.model.name === "agent-orchestrator")!;
        const step = run.stepResponses.find((response) => response.needed > response.before)!;
        const svg = serviceChartSvg(result, run, { responseLimitSeconds: 240 });
        const lines = svg.match(/<g class="criterion-limit"><line [^>]*>/g) ?? [];
        assert.equal(lines.length, 1);
        assert.match(svg, />limit 240 s</);
        assert.match(svg, />responseSeconds limit: 240 s after the step</);
        // On the time axis: the plot spans 64 to 880 px over the run.
        const end = result.times[result.times.length - 1];
        assert.ok(Math.abs(attr(lines[0], "x1") - (64 + ((step.step + 240) / end) * 816)) < 0.2, lines[0]);
        assert.equal((serviceChartSvg(result, run).match(/criterion-limit/g) ?? []).length, 0);
    });

    it("labels the right axis with the load's unit", () => {
        assert.match(
            chart("production", "spike", "api-gateway"),
            /<text class="axis-title right"[^>]*rotate\(90[^>]*>load \(http_requests_per_second\)<\/text>/,
        );
        assert.match(
            chart("production", "spike", "agent-orchestrator"),
            /class="axis-title right"[^>]*>load \(millicores of CPU work\)</,
        );
    });

    it("counts time in hours past two hours (day: 0:00 to 8:00) and in minutes up to two (oscillating, spike)", () => {
        const ticks = (svg: string) =>
            [...svg.matchAll(/<text class="x-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
        assert.deepEqual(ticks(chart("staging", "day", "api-gateway")), [
            "0:00",
            "1:00",
            "2:00",
            "3:00",
            "4:00",
            "5:00",
            "6:00",
            "7:00",
            "8:00",
        ]);
        assert.match(chart("staging", "day", "api-gateway"), /time since the start \(h:mm\)/);
        assert.deepEqual(ticks(chart("staging", "oscillating", "api-gateway")).slice(0, 3), ["0", "10", "20"]);
        assert.match(chart("staging", "spike", "api-gateway"), /time since the start \(minutes\)/);
    });

    it("keeps desired and ready apart where they coincide: desired wide and pale underneath, ready thin on top", () => {
        const svg = chart("staging", "spike", "api-gateway");
        const series = [...svg.matchAll(/<polyline class="series" data-name="([^"]+)"[^>]*>/g)];
        const desired = series.findIndex((match) => match[1] === "desired replicas (HPA)");
        const ready = series.findIndex((match) => match[1] === "ready replicas");
        assert.ok(desired >= 0 && ready > desired, "ready is drawn after desired");
        assert.ok(attr(series[desired][0], "stroke-width") >= 3 * attr(series[ready][0], "stroke-width"));
        assert.ok(attr(series[desired][0], "stroke-opacity") < 1);
        assert.notEqual(/stroke="([^"]+)"/.exec(series[desired][0])![1], /stroke="([^"]+)"/.exec(series[ready][0])![1]);
    });

    it("places the legend below the plot, inside the image, without overlaps", () => {
        for (const [stack, name, service] of [
            ["production", "peak", "model-orchestration"],
            ["staging", "day", "agent-orchestrator"],
        ] as const) {
            const svg = chart(stack, name, service);
            const height = attr(/<svg[^>]*>/.exec(svg)![0], "height");
            const frame = /<rect x="64" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
            const plotBottom = Number(frame[1]) + Number(frame[3]);
            const items = [
                ...svg.matchAll(/<g class="legend-item" data-x="([\d.]+)" data-width="([\d.]+)" data-y="([\d.]+)">/g),
            ].map((match) => ({ x: Number(match[1]), width: Number(match[2]), y: Number(match[3]) }));
            assert.equal(items.length, 8);
            for (const [i, item] of items.entries()) {
                assert.ok(item.y - 12 > plotBottom + 32, "below the x axis title");
                assert.ok(item.y + 4 <= height, "inside the image");
                assert.ok(item.x + item.width <= 960 - 16);
                for (const other of items.slice(i + 1)) {
                    assert.ok(other.y !== item.y || other.x >= item.x + item.width || item.x >= other.x + other.width);
                }
            }
        }
    });
});

// A refactor of the chart changes no byte: every service's chart on every fixture stack under
// peak, spike, rollout and day is the one drawn when the hashes were written.
describe("serviceChartSvg's charts are unchanged (tests/fixtures/simulation-charts.json)", () => {
    const expected: Record<string, string> = JSON.parse(fs.readFileSync(SIMULATION_CHARTS_FILE, "utf8"));

    for (const [stack, name] of chartCases()) {
        it(`${stack} under ${name}`, () => {
            const actual = chartHashes(stack, name);
            assert.deepEqual(
                actual,
                Object.fromEntries(Object.keys(actual).map((key) => [key, expected[key]])),
                `a chart of ${stack} under ${name} changed; if meant, regenerate tests/fixtures/simulation-charts.json`,
            );
        });
    }
});
