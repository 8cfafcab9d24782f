// Staff console strings (admin-auth).
export const adminAuth = {} as const
