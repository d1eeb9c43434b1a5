import { Type } from "typebox";
import { Slug } from "../rules.js";

export const SlugParams = Type.Object({ slug: Slug() });

export const PROBLEM_TYPE = "application/problem+json";

/**
 * An error answer (RFC 9457), as sendProblem writes it. Registered once with app.addSchema, so
 * route schemas refer to it and the OpenAPI document lists it once under components.
 */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: "`/problems/<code>`", examples: ["/problems/unknown_case"] }),
    title: Type.String({ description: "the HTTP status in words" }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    code: Type.String({ description: "stable, machine-readable", examples: ["unknown_case"] }),
    detail: Type.String({ description: "what went wrong, for a person" }),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: "with `validation_failed`: every field that is wrong",
      }),
    ),
  },
  { $id: "Problem", title: "Problem", description: "An error, as application/problem+json (RFC 9457)." },
);

const ProblemRef = Type.Unsafe<{ type: string; title: string; status: number; code: string; detail: string }>(
  Type.Ref("Problem"),
);

interface ProblemResponse {
  description: string;
  content: { [PROBLEM_TYPE]: { schema: typeof ProblemRef } };
}

/** Response schemas for error statuses: each an application/problem+json Problem. */
export function problemResponses<const S extends number>(
  described: Record<S, string>,
): Record<S, ProblemResponse> {
  const out = {} as Record<S, ProblemResponse>;
  for (const [status, description] of Object.entries(described) as [string, string][]) {
    out[Number(status) as S] = { description, content: { [PROBLEM_TYPE]: { schema: ProblemRef } } };
  }
  return out;
}
