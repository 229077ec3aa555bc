// Kubernetes resource quantities ("500m", "2", "512Mi", "48Gi") and int-or-percent values
// ("25%", 2), as the API server parses them (k8s.io/apimachinery/pkg/api/resource/quantity.go,
// k8s.io/apimachinery/pkg/util/intstr). Pure functions: the config parser, the capacity model and
// the simulator all count with these.

const QUANTITY = /^((?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The quantity syntax as a regular expression's source, for the stack file's JSON Schema. */
export const QUANTITY_PATTERN = QUANTITY.source;

const SUFFIX: Readonly<Record<string, number>> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};

/**
 * True when `value` is a quantity the API server accepts for resources: no sign, since requests,
 * limits and quota hard limits must not be negative.
 */
export function isQuantity(value: string): boolean {
    return QUANTITY.test(value);
}

/**
 * The quantity as a plain number in base units: cores for CPU ("500m" -> 0.5), bytes for memory
 * ("1Gi" -> 1073741824), a count for everything else. Throws on a malformed quantity: callers
 * validate with `isQuantity` first (config.ts does, for every quantity it accepts).
 */
export function parseQuantity(value: string | number): number {
    if (typeof value === "number") {
        return value;
    }
    const match = QUANTITY.exec(value.trim());
    if (!match) {
        throw new Error(`not a Kubernetes quantity: ${JSON.stringify(value)}`);
    }
    const [, digits, suffix, exponent] = match;
    const scale = exponent !== undefined ? 10 ** Number(exponent) : SUFFIX[suffix ?? ""];
    return Number(digits) * scale;
}

/** CPU cores as a Kubernetes quantity, in millicores when not whole ("0.5" -> "500m"). */
export function formatCpu(cores: number): string {
    const milli = Math.round(cores * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes as a Kubernetes quantity in the largest binary unit that keeps it whole ("1Gi", "1536Mi"). */
export function formatMemory(bytes: number): string {
    for (const unit of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const) {
        const size = SUFFIX[unit];
        if (bytes >= size && Number.isInteger(bytes / size)) {
            return `${bytes / size}${unit}`;
        }
    }
    return String(Math.round(bytes));
}

/** Bytes in GiB with up to two decimals, for tables people read. */
export function toGiB(bytes: number): number {
    return Math.round((bytes / 2 ** 30) * 100) / 100;
}

/** An IntOrString such as a PDB's minAvailable or a Deployment's maxSurge: a count or "N%". */
export type IntOrPercent = number | string;

const PERCENT = /^(\d+)%$/;

/** A percentage ("25%") as a regular expression's source, for the stack file's JSON Schema. */
export const PERCENT_PATTERN = PERCENT.source;

/** True for a non-negative integer or a "N%" string. */
export function isIntOrPercent(value: unknown): value is IntOrPercent {
    return (
        (typeof value === "number" && Number.isInteger(value) && value >= 0) ||
        (typeof value === "string" && PERCENT.test(value))
    );
}

/**
 * Resolves an int-or-percent against a total, rounding as Kubernetes does for that field:
 * up for minAvailable and maxSurge, down for maxUnavailable
 * (intstr.GetScaledValueFromIntOrPercent with roundUp true/false).
 */
export function scaleIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
    if (typeof value === "number") {
        return value;
    }
    const percent = Number(PERCENT.exec(value)![1]);
    const exact = (percent * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * A CPU quantity in millicores, rounded up as the API server does (Quantity.MilliValue). The small
 * tolerance keeps "0.1" (0.1 x 1000 = 100.00000000000001 in floating point) at 100m. Negative
 * quantities (which the API server rejects for requests and limits) count as 0.
 */
export function toMillicores(value: string): number {
    return Math.max(0, Math.ceil(parseQuantity(value) * 1000 - 1e-6));
}

/** A memory quantity in bytes, rounded up as the API server does (Quantity.Value); negative counts as 0. */
export function toBytes(value: string): number {
    return Math.max(0, Math.ceil(parseQuantity(value) - 1e-6));
}

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
    n: -9,
    u: -6,
    m: -3,
    "": 0,
    k: 3,
    M: 6,
    G: 9,
    T: 12,
    P: 15,
    E: 18,
};
const BINARY_EXPONENT: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX: Readonly<Record<number, string>> = Object.fromEntries(
    Object.entries(DECIMAL_EXPONENT).map(([suffix, exponent]) => [exponent, suffix]),
);
const BINARY_SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] as const;
const NANO = 10n ** 9n;

/**
 * The quantity as the API server stores it and as admission policies see it: the API server parses
 * every quantity it receives and writes it back in canonical form ("1000m" -> "1", "0.5" -> "500m",
 * "1024Mi" -> "1Gi"; Quantity.String and CanonicalizeBytes in
 * k8s.io/apimachinery/pkg/api/resource/quantity.go). Exact (BigInt), for unsigned quantities
 * (`isQuantity`); throws on anything else.
 */
export function canonicalQuantity(value: string): string {
    const match = QUANTITY.exec(value);
    if (!match) {
        throw new Error(`not a Kubernetes quantity: ${JSON.stringify(value)}`);
    }
    const [, digits, suffix = "", exponent] = match;
    const [whole, fraction = ""] = digits.split(".");
    let format: "DecimalSI" | "BinarySI" | "DecimalExponent" =
        exponent !== undefined ? "DecimalExponent" : suffix.endsWith("i") ? "BinarySI" : "DecimalSI";
    // The exact value is mantissa * 10^decimal * 2^binary.
    const mantissa = BigInt(`${whole}${fraction}` || "0");
    const decimal = -fraction.length + (exponent !== undefined ? Number(exponent) : (DECIMAL_EXPONENT[suffix] ?? 0));
    const binary = BigInt(BINARY_EXPONENT[suffix] ?? 0);
    // ParseQuantity rounds a non-zero amount up to whole nano-units (quantity.go, "rounds non-zero
    // values up to the minimum representable value").
    const scaled = mantissa * 2n ** binary;
    const shift = decimal + 9;
    const nanos =
        shift >= 0 ? scaled * 10n ** BigInt(shift) : (scaled + 10n ** BigInt(-shift) - 1n) / 10n ** BigInt(-shift);
    if (nanos === 0n) {
        return "0";
    }
    // BinarySI below 1024, or not a whole number, is written as DecimalSI (CanonicalizeBytes).
    if (format === "BinarySI" && (nanos < 1024n * NANO || nanos % NANO !== 0n)) {
        format = "DecimalSI";
    }
    if (format === "BinarySI") {
        let units = nanos / NANO;
        let power = 0;
        while (units % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
            units /= 1024n;
            power++;
        }
        return `${units}${BINARY_SUFFIXES[power]}`;
    }
    // Decimal: the smallest integer mantissa with an exponent that is a multiple of 3.
    let number = nanos;
    let power = -9;
    while (number % 10n === 0n) {
        number /= 10n;
        power++;
    }
    const down = ((power % 3) + 3) % 3;
    number *= 10n ** BigInt(down);
    power -= down;
    if (format === "DecimalExponent") {
        return power === 0 ? `${number}` : `${number}e${power}`;
    }
    const decimalSuffix = DECIMAL_SUFFIX[power];
    if (decimalSuffix === undefined) {
        throw new Error(`quantity ${value} is beyond the SI suffixes (E)`);
    }
    return `${number}${decimalSuffix}`;
}
