/**
 * One SVG chart per service and run: replicas (needed, desired, ready) and the cluster's nodes on
 * the left axis, the service's load on the right axis, against time. Plain SVG text, no dependencies.
 */
import type { ServiceRun, SimulationResult } from "./run";

const WIDTH = 960;
const HEIGHT = 420;
const MARGIN = { left: 56, right: 72, top: 48, bottom: 64 };

interface Line { readonly name: string; readonly color: string; readonly values: readonly number[]; readonly dash?: string; readonly right?: boolean }

/** The chart of `run` (one service of `result`). */
export function serviceChartSvg(result: SimulationResult, run: ServiceRun): string {
    const lines: Line[] = [
        { name: `load (${run.model.loadUnit})`, color: "#9aa0a6", values: run.series.load, right: true },
        { name: "needed replicas", color: "#188038", values: run.series.needed, dash: "6 4" },
        { name: "desired replicas (HPA)", color: "#1a73e8", values: run.series.desired },
        { name: "ready replicas", color: "#d93025", values: run.series.ready },
        { name: "nodes", color: "#f9ab00", values: result.nodes, dash: "2 3" },
    ];
    const times = result.times;
    const xMax = Math.max(1, times[times.length - 1] ?? 1);
    const leftMax = niceCeiling(Math.max(run.model.config.maxReplicas, ...result.nodes, ...run.series.desired, ...run.series.ready) + 1);
    const rightMax = niceCeiling(Math.max(1e-9, ...run.series.load) * 1.1);
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (t: number) => MARGIN.left + (t / xMax) * plotWidth;
    const y = (value: number, max: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;

    const parts: string[] = [];
    parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`);
    parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
    parts.push(`<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escape(`${result.stack} / ${run.model.name} / ${result.profile.name}`)}</text>`);
    parts.push(`<text x="${MARGIN.left}" y="36" fill="#5f6368">${escape(result.profile.description)}</text>`);
    for (let i = 0; i <= 5; i++) {
        const left = (leftMax * i) / 5;
        const py = y(left, leftMax);
        parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${py}" y2="${py}" stroke="#eee"/>`);
        parts.push(`<text x="${MARGIN.left - 6}" y="${py + 4}" text-anchor="end">${format(left)}</text>`);
        parts.push(`<text x="${WIDTH - MARGIN.right + 6}" y="${py + 4}" fill="#5f6368">${format((rightMax * i) / 5)}</text>`);
    }
    const tickEvery = niceTimeStep(xMax);
    for (let t = 0; t <= xMax; t += tickEvery) {
        parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 4}" stroke="#333"/>`);
        parts.push(`<text x="${x(t)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${format(t / 60)}m</text>`);
    }
    parts.push(`<text x="14" y="${MARGIN.top + plotHeight / 2}" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">replicas, nodes</text>`);
    parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`);
    for (const line of lines) {
        const max = line.right === true ? rightMax : leftMax;
        const points = steps(times, line.values).map(([t, value]) => `${round(x(t))},${round(y(value, max))}`).join(" ");
        parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="${line.right === true ? 1 : 2}"${line.dash !== undefined ? ` stroke-dasharray="${line.dash}"` : ""} points="${points}"/>`);
    }
    lines.forEach((line, i) => {
        const lx = MARGIN.left + (i % 3) * 280;
        const ly = HEIGHT - 30 + Math.floor(i / 3) * 16;
        parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${line.color}" stroke-width="2"${line.dash !== undefined ? ` stroke-dasharray="${line.dash}"` : ""}/>`);
        parts.push(`<text x="${lx + 30}" y="${ly}">${escape(line.name + (line.right === true ? " (right axis)" : ""))}</text>`);
    });
    parts.push("</svg>");
    return parts.join("\n") + "\n";
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

function format(value: number): string {
    return String(Number(value.toFixed(value < 10 ? 1 : 0)));
}

function round(value: number): number {
    return Math.round(value * 10) / 10;
}

function escape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
