// ARM error replies: `{ "error": { "code", "message", "details"? } }` with the texts ARM and the RPs use.
import { HttpError } from '../http.ts'

export interface ArmErrorDetail {
  code: string
  message: string
  target?: string
}

export function armErrorBody(code: string, message: string, details?: ArmErrorDetail[]): object {
  return { error: { code, message, ...(details ? { details } : {}) } }
}

export function armError(
  status: number,
  code: string,
  message: string,
  o: { details?: ArmErrorDetail[]; headers?: Record<string, string> } = {}
): HttpError {
  return new HttpError(
    { status, headers: o.headers, body: armErrorBody(code, message, o.details) },
    `${code}: ${message}`
  )
}

/** 404 for a resource whose group exists, e.g. type 'Microsoft.App/containerApps'. */
export const resourceNotFound = (type: string, name: string, rg: string): HttpError =>
  armError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
  )

export const resourceGroupNotFound = (rg: string): HttpError =>
  armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)

export const invalidRequestContent = (detail: string): HttpError =>
  armError(
    400,
    'InvalidRequestContent',
    `The request content was invalid and could not be deserialized: '${detail}'.`
  )
