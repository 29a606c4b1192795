/** The only two IPC channels: contract calls (invoke) and contract events (main → renderer). */
export const IPC_CALL = 'hearth:call';
export const IPC_EVENT = 'hearth:event';
