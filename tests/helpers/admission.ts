// A ValidatingAdmissionPolicy and its binding, evaluated as the API server does, with a CEL
// evaluator from npm (@bufbuild/cel) given standard CEL and the strings extension only: an
// expression that needs a Kubernetes CEL library fails here. What is emulated, by symbol at
// k8s.io/api v0.34.10: docs/design/components.md "The admission test harness".
import { celEnv, CelInput, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { canonicalQuantity } from "../../quantity";

const env = celEnv({ funcs: strings });
const plans = new Map<string, ReturnType<typeof plan>>();

/** Evaluates one CEL expression; a parse or runtime error comes back as an Error. */
export function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
    let planned = plans.get(expression);
    if (planned === undefined) {
        planned = plan(env, parse(expression));
        plans.set(expression, planned);
    }
    try {
        return planned(bindings as Record<string, CelInput>);
    } catch (error) {
        return error as Error;
    }
}

const isError = (value: unknown): value is Error => isCelError(value) || value instanceof Error;

/** JSON as CEL sees a Kubernetes object: integers are CEL ints (int32/int64 fields), not doubles. */
export function celValue(value: unknown): unknown {
    if (typeof value === "number" && Number.isInteger(value)) {
        return BigInt(value);
    }
    if (Array.isArray(value)) {
        return value.map(celValue);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, celValue(item)]));
    }
    return value;
}

/** The Deployment as stored: every container's requests and limits in canonical form. */
export function asStored(deployment: Record<string, any>): Record<string, any> {
    const stored = structuredClone(deployment);
    const spec = stored.spec?.template?.spec ?? {};
    for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const section of ["requests", "limits"]) {
            const values = container.resources?.[section];
            for (const key of Object.keys(values ?? {})) {
                values[key] = canonicalQuantity(String(values[key]));
            }
        }
    }
    return stored;
}

export interface PolicyResult {
    /** False when the binding's namespace or a matchCondition leaves the object out. */
    readonly matched: boolean;
    /** The message of each failed validation, in the policy's order. */
    readonly failures: string[];
}

interface Validation {
    expression: string;
    messageExpression?: string;
    message?: string;
}
interface PolicySpec {
    matchConditions?: { name: string; expression: string }[];
    variables?: { name: string; expression: string }[];
    validations: Validation[];
}
interface BindingSpec {
    validationActions: string[];
    matchResources?: { namespaceSelector?: { matchLabels?: Record<string, string> } };
}

/**
 * The API server's fallback rules for a messageExpression's result (k8s.io/apiserver
 * pkg/admission/plugin/policy/validating `validator.Validate` at v0.34.10): trimmed; not a string,
 * blank, longer than 5 KiB (MaxEvaluatedMessageExpressionSizeBytes, pkg/apis/cel/config.go) or
 * multi-line, and `message` is used instead.
 */
export const MAX_MESSAGE_BYTES = 5 * 1024;
function evaluatedMessage(message: unknown): string | undefined {
    if (typeof message !== "string") {
        return undefined;
    }
    const trimmed = message.trim();
    return trimmed === "" || Buffer.byteLength(trimmed) > MAX_MESSAGE_BYTES || trimmed.includes("\n")
        ? undefined
        : trimmed;
}

/** Evaluates the policy for a CREATE of `object` in `namespace` under `binding`, or an UPDATE of `oldObject`. */
export function evaluatePolicy(
    policy: PolicySpec,
    binding: BindingSpec,
    object: Record<string, any>,
    namespace: string,
    oldObject?: Record<string, any>,
): PolicyResult {
    const selector = binding.matchResources?.namespaceSelector?.matchLabels ?? {};
    const namespaceLabels: Record<string, string> = { "kubernetes.io/metadata.name": namespace };
    if (!Object.entries(selector).every(([key, value]) => namespaceLabels[key] === value)) {
        return { matched: false, failures: [] };
    }
    const bindings: Record<string, unknown> = {
        object: celValue(asStored(object)),
        oldObject: oldObject === undefined ? null : celValue(asStored(oldObject)),
    };
    for (const condition of policy.matchConditions ?? []) {
        const result = evaluate(condition.expression, bindings);
        if (isError(result)) {
            throw new Error(
                `matchCondition ${condition.name} errors (failurePolicy Fail would refuse): ${result.message}`,
            );
        }
        if (result === false) {
            return { matched: false, failures: [] };
        }
    }
    const variables = new Map<string, unknown>();
    for (const variable of policy.variables ?? []) {
        const result = evaluate(variable.expression, { ...bindings, variables });
        if (isError(result)) {
            throw new Error(`variable ${variable.name} errors: ${result.message}`);
        }
        variables.set(variable.name, result);
    }
    const failures: string[] = [];
    for (const validation of policy.validations) {
        const result = evaluate(validation.expression, { ...bindings, variables });
        if (result === true) {
            continue;
        }
        if (result !== false) {
            throw new Error(
                `validation ${validation.expression} does not evaluate to a bool: ${isError(result) ? result.message : String(result)}`,
            );
        }
        const message =
            validation.messageExpression !== undefined
                ? evaluate(validation.messageExpression, { ...bindings, variables })
                : undefined;
        if (isError(message)) {
            throw new Error(`messageExpression errors (the API server would fall back to message): ${message.message}`);
        }
        failures.push(
            evaluatedMessage(message) ??
                validation.message?.trim() ??
                `failed expression: ${validation.expression.trim()}`,
        );
    }
    return { matched: true, failures };
}

export interface AdmissionResponse {
    readonly allowed: boolean;
    /** The refusal's messages (Deny). */
    readonly denied: string[];
    /** HTTP Warning headers (Warn): kubectl and Pulumi print them. */
    readonly warnings: string[];
    /** The validation_failure audit annotation's messages (Audit). */
    readonly audited: string[];
}

/** What the API server answers for the policy's failures under the binding's validationActions. */
export function admissionResponse(
    policy: PolicySpec,
    binding: BindingSpec,
    object: Record<string, any>,
    namespace: string,
    oldObject?: Record<string, any>,
): AdmissionResponse {
    const { failures } = evaluatePolicy(policy, binding, object, namespace, oldObject);
    const actions = new Set(binding.validationActions);
    const denied = actions.has("Deny") ? failures : [];
    return {
        allowed: denied.length === 0,
        denied,
        warnings: actions.has("Warn") ? failures : [],
        audited: actions.has("Audit") ? failures : [],
    };
}
