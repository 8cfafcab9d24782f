// Staff console strings (admin-console).
export const adminConsole = {} as const
