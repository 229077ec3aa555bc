/**
 * One SVG chart per service and run: replicas (needed, desired, ready), the service's maxReplicas
 * and the cluster's nodes (every group's, for all services) on the left axis, the service's load
 * on the right axis, against time; shaded spans (a marker where each begins) where the quota
 * refused pods and where pods waited for a node; a line where a rolling update starts and one at
 * the response criterion's limit after each load step. Plain SVG text, no dependencies. Text is
 * laid out from the advance widths of the font the chart names (`textWidth`), so the legend and
 * the wrapped description never overlap, with no browser to measure them.
 */
import type { PlatformConfig } from "../config";
import type { ServiceRun, SimulationResult } from "./run";

const WIDTH = 960;
const MARGIN = { left: 64, right: 80, bottom: 54 };
const PLOT_HEIGHT = 300;
const FONT_SIZE = 11;
const TITLE_SIZE = 14;
const LINE_HEIGHT = 15;
/** The font the widths below are of, then look-alikes (Verdana is Vera's model; Arial is narrower). */
const FONT_FAMILY = "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif";

/**
 * Advance widths of DejaVu Sans (Book) for the printable ASCII characters, code points 32-126, in
 * thousandths of an em: the `hmtx` advances of fonts-dejavu-core 2.37 DejaVuSans.ttf (2048 units
 * per em) scaled to 1000 and rounded. Other characters count as a full em, so text is never
 * measured shorter than it draws.
 */
const DEJAVU_SANS_WIDTHS: readonly number[] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
    748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
    615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
    337, 636, 838,
];
/** Width in px of `text` at `size` px in DejaVu Sans. Pure. */
export function textWidth(text: string, size = FONT_SIZE): number {
    let units = 0;
    for (const char of text) {
        const code = char.codePointAt(0)!;
        units += code >= 32 && code <= 126 ? DEJAVU_SANS_WIDTHS[code - 32] : 1000;
    }
    return (units * size) / 1000;
}

/** `text` broken at spaces into lines no wider than `width` px. Pure. */
export function wrapText(text: string, width: number, size = FONT_SIZE): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/).filter((each) => each !== "")) {
        const candidate = line === "" ? word : `${line} ${word}`;
        if (line !== "" && textWidth(candidate, size) > width) {
            lines.push(line);
            line = word;
        } else {
            line = candidate;
        }
    }
    if (line !== "") lines.push(line);
    return lines;
}

export interface LegendEntry {
    readonly label: string;
}
export interface LegendBox {
    readonly label: string;
    readonly x: number;
    readonly y: number;
    readonly width: number;
}

/** Swatch, gap to the label, gap to the next entry (px). */
export const LEGEND_SWATCH = 24;
const LEGEND_TEXT_GAP = 6;
const LEGEND_ENTRY_GAP = 20;

/**
 * Legend entries left to right from (x, y), a new row when the next would pass `x + width`. Each
 * box spans swatch and label. Pure.
 */
export function legendLayout(entries: readonly LegendEntry[], x: number, y: number, width: number): LegendBox[] {
    const boxes: LegendBox[] = [];
    let cx = x;
    let cy = y;
    for (const entry of entries) {
        const boxWidth = LEGEND_SWATCH + LEGEND_TEXT_GAP + textWidth(entry.label);
        if (cx > x && cx + boxWidth > x + width) {
            cx = x;
            cy += LINE_HEIGHT + 2;
        }
        boxes.push({ label: entry.label, x: cx, y: cy, width: boxWidth });
        cx += boxWidth + LEGEND_ENTRY_GAP;
    }
    return boxes;
}

interface Series {
    readonly name: string;
    readonly color: string;
    readonly values: readonly number[];
    readonly width: number;
    readonly dash?: string;
    readonly opacity?: number;
    readonly right?: boolean;
}

interface Span {
    readonly from: number;
    readonly to: number;
}

const QUOTA_COLOR = "#d93025";
const NODE_WAIT_COLOR = "#e37400";

/** What a chart marks besides the series: the limit of the criterion its profile checks against time. */
export interface ChartOptions {
    /** `simulation.criteria.responseSeconds`: a line this long after each load step (the spike's check). */
    readonly responseLimitSeconds?: number;
}

/** What the chart of a run of `profileName` marks: the spike, which checks responseSeconds, draws its limit after each step. */
export function chartOptions(config: PlatformConfig, profileName: string): ChartOptions {
    return profileName === "spike" ? { responseLimitSeconds: config.simulation.criteria.responseSeconds } : {};
}

const ROLLOUT_COLOR = "#9334e6";
const LIMIT_COLOR = "#b06000";

/** The chart of `run` (one service of `result`). */
export function serviceChartSvg(result: SimulationResult, run: ServiceRun, options: ChartOptions = {}): string {
    const chart = chartLayout(result, run, options);
    const entries = legendEntries(chart);
    const boxes = legendLayout(entries, chart.plotLeft, chart.plotBottom + MARGIN.bottom, chart.plotWidth);
    const height = Math.ceil(Math.max(...boxes.map((box) => box.y)) + 12);
    const parts = [
        ...headerParts(chart, height),
        // Spans first, under everything else.
        ...spanParts(chart),
        ...axisParts(chart),
        ...markLineParts(chart),
        ...chart.series.map((line) => seriesPart(chart, line)),
        ...boxes.map(
            (box, i) =>
                `<g class="legend-item" data-x="${round(box.x)}" data-width="${round(box.width)}" data-y="${box.y}">` +
                `${entries[i].draw(box)}<text x="${round(box.x + LEGEND_SWATCH + LEGEND_TEXT_GAP)}" y="${box.y}">${escape(box.label)}</text></g>`,
        ),
        "</svg>",
    ];
    return parts.join("\n") + "\n";
}

/** What a chart draws and where: the series, the plot's box and scales, the spans and the marked times. */
interface Chart {
    readonly result: SimulationResult;
    readonly run: ServiceRun;
    readonly series: readonly Series[];
    readonly description: readonly string[];
    readonly plotLeft: number;
    readonly plotRight: number;
    readonly plotWidth: number;
    readonly plotTop: number;
    readonly plotBottom: number;
    readonly xMax: number;
    readonly leftMax: number;
    readonly rightMax: number;
    readonly quotaSpans: readonly Span[];
    readonly nodeSpans: readonly Span[];
    /** When each rolling update started, and where the response criterion's limit falls after each step. */
    readonly rollouts: readonly number[];
    readonly limit: number | undefined;
    readonly limits: readonly number[];
    x(t: number): number;
    y(value: number, max: number): number;
}

/** The lines a chart plots. Desired is drawn first, wide and pale, and ready on top, thin: where they
 * are equal the red line runs inside the blue band, so both stay visible. */
function chartSeries(result: SimulationResult, run: ServiceRun): Series[] {
    return [
        {
            name: `load, ${run.model.loadUnit} (right axis)`,
            color: "#9aa0a6",
            values: run.series.load,
            width: 1,
            right: true,
        },
        { name: "desired replicas (HPA)", color: "#1a73e8", values: run.series.desired, width: 6, opacity: 0.35 },
        { name: "needed replicas", color: "#188038", values: run.series.needed, width: 2, dash: "6 4" },
        { name: "ready replicas", color: "#d93025", values: run.series.ready, width: 1.5 },
        {
            name: "nodes (whole cluster: every group, every service)",
            color: "#f9ab00",
            values: result.nodes,
            width: 2,
            dash: "2 3",
        },
    ];
}

function chartLayout(result: SimulationResult, run: ServiceRun, options: ChartOptions): Chart {
    const times = result.times;
    const plotLeft = MARGIN.left;
    const plotRight = WIDTH - MARGIN.right;
    const plotWidth = plotRight - plotLeft;
    const description = wrapText(result.profile.description, WIDTH - 2 * 16);
    // Room above the plot for two rows of markers (quota refusals at the plot's edge, node waits above).
    const plotTop = 16 + TITLE_SIZE + 6 + description.length * LINE_HEIGHT + 18;
    const plotBottom = plotTop + PLOT_HEIGHT;
    const xMax = Math.max(1, times[times.length - 1] ?? 1);
    const leftMax = niceCeiling(
        Math.max(
            run.model.config.maxReplicas,
            ...result.nodes,
            ...run.series.desired,
            ...run.series.ready,
            ...run.series.needed,
        ) + 1,
    );
    const limit = options.responseLimitSeconds;
    return {
        result,
        run,
        series: chartSeries(result, run),
        description,
        plotLeft,
        plotRight,
        plotWidth,
        plotTop,
        plotBottom,
        xMax,
        leftMax,
        rightMax: niceCeiling(Math.max(1e-9, ...run.series.load) * 1.1),
        quotaSpans: spans(times, (i) => run.series.desired[i] > run.series.pods[i]),
        nodeSpans: spans(times, (i) => (run.series.pending?.[i] ?? 0) > 0),
        rollouts: run.rollouts.map((rollout) => rollout.startedAt),
        limit,
        limits:
            limit === undefined
                ? []
                : run.stepResponses
                      .filter((response) => response.needed > response.before)
                      .map((response) => response.step + limit),
        x: (t) => plotLeft + (t / xMax) * plotWidth,
        y: (value, max) => plotBottom - (value / max) * PLOT_HEIGHT,
    };
}

type DrawnEntry = LegendEntry & { draw: (box: LegendBox) => string };

/** The legend: a swatch per series, then the marks; the rollout and limit marks only where drawn. */
function legendEntries(chart: Chart): DrawnEntry[] {
    const swatchLine = (box: LegendBox, attributes: string) =>
        `<line x1="${box.x}" x2="${box.x + LEGEND_SWATCH}" y1="${box.y - 4}" y2="${box.y - 4}" ${attributes}/>`;
    const spanSwatch = (box: LegendBox, color: string) =>
        `<rect x="${box.x}" y="${box.y - 10}" width="${LEGEND_SWATCH}" height="10" fill="${color}" fill-opacity="0.15"/>` +
        marker(box.x + LEGEND_SWATCH / 2, box.y - 1, color);
    const tick = (box: LegendBox, attributes: string) =>
        `<line x1="${box.x + LEGEND_SWATCH / 2}" x2="${box.x + LEGEND_SWATCH / 2}" y1="${box.y - 11}" y2="${box.y + 1}" ${attributes}/>`;
    const entries: DrawnEntry[] = [
        ...chart.series.map((line) => ({
            label: line.name,
            draw: (box: LegendBox) =>
                swatchLine(
                    box,
                    `stroke="${line.color}" stroke-width="${Math.min(line.width, 6)}"${line.opacity !== undefined ? ` stroke-opacity="${line.opacity}"` : ""}${line.dash !== undefined ? ` stroke-dasharray="${line.dash}"` : ""}`,
                ),
        })),
        {
            label: `maxReplicas (${chart.run.model.config.maxReplicas})`,
            draw: (box) => swatchLine(box, `stroke="#5f6368" stroke-width="1" stroke-dasharray="8 3"`),
        },
        { label: "quota refused pods", draw: (box) => spanSwatch(box, QUOTA_COLOR) },
        { label: "pods waiting for a node", draw: (box) => spanSwatch(box, NODE_WAIT_COLOR) },
    ];
    if (chart.rollouts.length > 0) {
        entries.push({
            label: "rolling update starts",
            draw: (box) =>
                tick(box, `stroke="${ROLLOUT_COLOR}" stroke-width="1.5"`) +
                marker(box.x + LEGEND_SWATCH / 2, box.y - 1, ROLLOUT_COLOR),
        });
    }
    if (chart.limits.length > 0) {
        entries.push({
            label: `responseSeconds limit: ${chart.limit} s after the step`,
            draw: (box) => tick(box, `stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="4 3"`),
        });
    }
    return entries;
}

/** The svg element, its white background, the title and the wrapped description. */
function headerParts(chart: Chart, height: number): string[] {
    const { result, run } = chart;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">`,
        `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
        `<text class="title" x="16" y="${16 + TITLE_SIZE - 2}" font-size="${TITLE_SIZE}" font-weight="bold">${escape(`${result.stack} / ${run.model.name} / ${result.profile.name}`)}</text>`,
        ...chart.description.map(
            (line, i) =>
                `<text class="description" x="16" y="${16 + TITLE_SIZE + 6 + (i + 1) * LINE_HEIGHT - 4}" fill="#5f6368">${escape(line)}</text>`,
        ),
    ];
}

/** Shaded spans where the quota refused pods and where pods waited for a node, a marker where each begins. */
function spanParts(chart: Chart): string[] {
    const parts: string[] = [];
    for (const [kind, list, color, lift] of [
        ["quota-refused", chart.quotaSpans, QUOTA_COLOR, 0],
        ["node-wait", chart.nodeSpans, NODE_WAIT_COLOR, 9],
    ] as const) {
        for (const span of list) {
            const from = chart.x(span.from);
            const to = Math.max(chart.x(span.to), from + 1);
            parts.push(
                `<rect class="span ${kind}" x="${round(from)}" y="${chart.plotTop}" width="${round(to - from)}" height="${PLOT_HEIGHT}" fill="${color}" fill-opacity="0.12"/>`,
            );
            parts.push(`<g class="marker ${kind}">${marker(round(from), chart.plotTop - lift, color)}</g>`);
        }
    }
    return parts;
}

/** Grid lines and both value axes, the time axis (minutes up to two hours, then h:mm), their titles, the plot's frame. */
function axisParts(chart: Chart): string[] {
    const { plotLeft, plotRight, plotTop, plotBottom, xMax, leftMax, rightMax, x, y } = chart;
    const parts: string[] = [];
    for (let i = 0; i <= 5; i++) {
        const py = y((leftMax * i) / 5, leftMax);
        parts.push(`<line x1="${plotLeft}" x2="${plotRight}" y1="${py}" y2="${py}" stroke="#eee"/>`);
        parts.push(`<text x="${plotLeft - 6}" y="${py + 4}" text-anchor="end">${format((leftMax * i) / 5)}</text>`);
        parts.push(`<text x="${plotRight + 6}" y="${py + 4}" fill="#5f6368">${format((rightMax * i) / 5)}</text>`);
    }
    const hours = xMax > 2 * 3600;
    const tickEvery = niceTimeStep(xMax);
    for (let t = 0; t <= xMax; t += tickEvery) {
        parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${plotBottom}" y2="${plotBottom + 4}" stroke="#333"/>`);
        parts.push(
            `<text class="x-tick" x="${x(t)}" y="${plotBottom + 16}" text-anchor="middle">${hours ? hoursMinutes(t) : format(t / 60)}</text>`,
        );
    }
    const middle = plotTop + PLOT_HEIGHT / 2;
    const rightTitleX = WIDTH - 16;
    parts.push(
        `<text class="axis-title x" x="${(plotLeft + plotRight) / 2}" y="${plotBottom + 32}" text-anchor="middle">` +
            `${hours ? "time since the start (h:mm)" : "time since the start (minutes)"}</text>`,
        `<text class="axis-title left" x="18" y="${middle}" transform="rotate(-90 18 ${middle})" text-anchor="middle">replicas, nodes</text>`,
        `<text class="axis-title right" x="${rightTitleX}" y="${middle}" transform="rotate(90 ${rightTitleX} ${middle})" text-anchor="middle" fill="#5f6368">` +
            `${escape(`load (${chart.run.model.loadUnit})`)}</text>`,
        `<rect x="${plotLeft}" y="${plotTop}" width="${chart.plotWidth}" height="${PLOT_HEIGHT}" fill="none" stroke="#333"/>`,
    );
    return parts;
}

/** The labelled maxReplicas line, a line where each rolling update starts, one at each response limit. */
function markLineParts(chart: Chart): string[] {
    const { plotLeft, plotRight, plotTop, plotBottom, x } = chart;
    const maxReplicas = chart.run.model.config.maxReplicas;
    const maxY = chart.y(maxReplicas, chart.leftMax);
    const parts = [
        `<line class="max-replicas" x1="${plotLeft}" x2="${plotRight}" y1="${maxY}" y2="${maxY}" stroke="#5f6368" stroke-width="1" stroke-dasharray="8 3"/>`,
        `<text x="${plotRight - 4}" y="${maxY - 4}" text-anchor="end" fill="#5f6368">maxReplicas ${maxReplicas}</text>`,
    ];
    for (const t of chart.rollouts) {
        parts.push(
            `<g class="rollout-start"><line x1="${round(x(t))}" x2="${round(x(t))}" y1="${plotTop}" y2="${plotBottom}" stroke="${ROLLOUT_COLOR}" stroke-width="1.5"/>` +
                `${marker(round(x(t)), plotTop, ROLLOUT_COLOR)}</g>`,
        );
    }
    for (const t of chart.limits.filter((each) => each <= chart.xMax)) {
        parts.push(
            `<g class="criterion-limit"><line x1="${round(x(t))}" x2="${round(x(t))}" y1="${plotTop}" y2="${plotBottom}" stroke="${LIMIT_COLOR}" stroke-width="1.5" stroke-dasharray="4 3"/>` +
                `<text x="${round(x(t)) + 3}" y="${plotTop + 12}" fill="${LIMIT_COLOR}">limit ${chart.limit} s</text></g>`,
        );
    }
    return parts;
}

/** One series as a step line on its axis. */
function seriesPart(chart: Chart, line: Series): string {
    const max = line.right === true ? chart.rightMax : chart.leftMax;
    const points = steps(chart.result.times, line.values)
        .map(([t, value]) => `${round(chart.x(t))},${round(chart.y(value, max))}`)
        .join(" ");
    return (
        `<polyline class="series" data-name="${escape(line.name)}" fill="none" stroke="${line.color}" stroke-width="${line.width}"` +
        `${line.opacity !== undefined ? ` stroke-opacity="${line.opacity}"` : ""}${line.dash !== undefined ? ` stroke-dasharray="${line.dash}"` : ""} ` +
        `stroke-linejoin="round" points="${points}"/>`
    );
}

/** A small downward triangle whose tip is at (x, y): where a span begins. */
function marker(x: number, y: number, color: string): string {
    return `<path d="M ${x - 4} ${y - 7} L ${x + 4} ${y - 7} L ${x} ${y} Z" fill="${color}"/>`;
}

/** Time spans (from a sample to the next one after it) over which `holds(i)` is true. */
function spans(times: readonly number[], holds: (i: number) => boolean): Span[] {
    const found: Span[] = [];
    let from: number | undefined;
    for (let i = 0; i < times.length; i++) {
        if (holds(i)) {
            from ??= times[i];
        } else if (from !== undefined) {
            found.push({ from, to: times[i] });
            from = undefined;
        }
    }
    if (from !== undefined) found.push({ from, to: times[times.length - 1] });
    return found;
}

/** Points of a step line (values hold until the next sample), dropping repeats so long runs stay small. */
function steps(times: readonly number[], values: readonly number[]): [number, number][] {
    const points: [number, number][] = [];
    for (let i = 0; i < values.length; i++) {
        const previous = points[points.length - 1];
        if (previous !== undefined && previous[1] === values[i] && i < values.length - 1) continue;
        if (previous !== undefined) points.push([times[i], previous[1]]);
        points.push([times[i], values[i]]);
    }
    return points;
}

function niceCeiling(value: number): number {
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const factor of [1, 2, 2.5, 5, 10]) {
        if (factor * magnitude >= value) return factor * magnitude;
    }
    return 10 * magnitude;
}

function niceTimeStep(seconds: number): number {
    for (const step of [60, 300, 600, 900, 1800, 3600, 7200, 14400]) {
        if (seconds / step <= 12) return step;
    }
    return 21600;
}

/** Seconds as h:mm (3600 -> 1:00, 5400 -> 1:30). */
function hoursMinutes(seconds: number): string {
    const minutes = Math.round(seconds / 60);
    return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}

function format(value: number): string {
    return String(Number(value.toFixed(value < 10 ? 1 : 0)));
}

function round(value: number): number {
    return Math.round(value * 10) / 10;
}

function escape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
