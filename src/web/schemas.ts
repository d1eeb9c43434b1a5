import { Type } from "@sinclair/typebox";

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
  },
  { additionalProperties: true },
);

export const SlugParams = Type.Object({ slug: Type.String({ pattern: "^[a-z0-9][a-z0-9-]{0,62}$" }) });
