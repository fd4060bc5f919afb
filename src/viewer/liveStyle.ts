/** Style of the live-session parts and the activity lane (appended to pageStyle.ts's sheet). */
export const liveStyle = `
.badge.live { color: #ff6b6b; border-color: rgba(255,107,107,.6); background: rgba(255,107,107,.1); font-weight: 600; }
.badge.live::before { content: ""; display: inline-block; width: 7px; height: 7px; border-radius: 50%; background: #ff6b6b; margin-right: 5px; vertical-align: 1px; animation: live-pulse 1.6s ease-in-out infinite; }
@keyframes live-pulse { 50% { opacity: .25; } }
@media (prefers-reduced-motion: reduce) { .badge.live::before { animation: none; } }
.live-note { margin: -4px 0 12px; font-size: 13px; color: var(--muted); }
.live-note.live { color: #ff8f8f; }
.live-note.ended { color: var(--ok); }
.go-live { color: #ff8f8f; border-color: rgba(255,107,107,.5); }
.go-live.at-edge { background: rgba(255,107,107,.15); }

.now-activity { display: flex; gap: 8px; align-items: baseline; padding: 4px 2px 0; font-size: 13px; min-height: 22px; white-space: nowrap; overflow: hidden; }
.now-activity .label { color: var(--muted); flex: none; }
.now-activity .title { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.now-activity .app { color: var(--muted); flex: none; }
.now-activity .state { flex: none; padding: 0 6px; border-radius: 4px; font-size: 11.5px; }
.now-activity .state.idle { background: rgba(139,150,165,.2); color: var(--text); }
.now-activity .state.unobserved { background: rgba(210,153,34,.2); color: var(--warn); }

.lane { position: relative; height: 20px; margin-top: 3px; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; overflow: hidden; cursor: pointer; }
.lane .w { position: absolute; top: 2px; bottom: 2px; border-radius: 2px; box-shadow: inset 1px 0 0 rgba(11,15,20,.8); overflow: hidden; font-size: 10.5px; line-height: 16px; padding: 0 3px; color: #0b0f14; white-space: nowrap; text-overflow: ellipsis; }
.lane .w.none { background: transparent; }
.lane .idle-mark { position: absolute; top: 0; bottom: 0; background: repeating-linear-gradient(90deg, rgba(14,18,23,.75) 0 3px, rgba(14,18,23,.35) 3px 6px); pointer-events: none; }
.lane .unobserved { position: absolute; top: 0; bottom: 0; background: repeating-linear-gradient(135deg, rgba(210,153,34,.85) 0 4px, rgba(210,153,34,.25) 4px 8px); }
.lane .bad { position: absolute; top: 0; bottom: 0; background: repeating-linear-gradient(135deg, rgba(248,81,73,.85) 0 4px, rgba(248,81,73,.25) 4px 8px); }
.timeline .hover { max-width: 75%; overflow: hidden; text-overflow: ellipsis; }
.lane-note { margin: 4px 0 0; font-size: 12px; color: var(--muted); }
.lane-note.bad { color: var(--warn); }
.sw.window { background: linear-gradient(90deg, #7cc4ff 0 50%, #c9a7ff 50%); }
.sw.user-idle { background: repeating-linear-gradient(90deg, #222a33 0 3px, #5a6472 3px 6px); }
.sw.unobserved { background: repeating-linear-gradient(135deg, rgba(210,153,34,.9) 0 3px, rgba(210,153,34,.3) 3px 6px); }
.sw.bad-activity { background: repeating-linear-gradient(135deg, rgba(248,81,73,.9) 0 3px, rgba(248,81,73,.3) 3px 6px); }
.lane-legend { display: inline-flex; gap: 6px; align-items: center; }
.lane-legend .sw { margin-left: 8px; }
`;
