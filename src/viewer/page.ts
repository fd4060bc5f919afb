/** The viewer's HTML skeleton; app.js fills it in. Static: nothing from the store is interpolated here. */
export function viewerPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Session recordings</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header class="top">
  <a class="brand" href="#" id="home">Session recordings</a>
  <span class="destination" id="destination"></span>
  <span class="spacer"></span>
  <button type="button" id="refresh" title="Read the destination again">Refresh</button>
</header>

<main id="list-view" class="view">
  <form class="search" id="search-form" role="search" autocomplete="off">
    <input id="search-q" name="q" type="search" placeholder="Find window titles and text on screen (the filters below apply)" aria-label="Search text">
    <button type="submit" id="search-go">Search</button>
    <span id="search-status" class="muted"></span>
  </form>
  <ol class="search-results" id="search-results" hidden></ol>
  <form class="filters" id="filters" autocomplete="off">
    <label>Stack<input name="stack" list="stacks" placeholder="any"></label>
    <label>Fleet<input name="fleet" list="fleets" placeholder="any"></label>
    <label>User<input name="user" list="users" placeholder="any"></label>
    <label>From<input name="since" type="date"></label>
    <label>To<input name="until" type="date"></label>
    <button type="reset" class="quiet">Clear</button>
    <datalist id="stacks"></datalist><datalist id="fleets"></datalist><datalist id="users"></datalist>
  </form>
  <p class="count" id="count">Loading sessions…</p>
  <div class="table-wrap">
    <table class="sessions" id="sessions">
      <thead><tr>
        <th>Start (UTC)</th><th>User</th><th>Stack</th><th>Fleet</th><th>Session</th>
        <th class="num">Duration</th><th class="num">Segments</th><th class="num">Size</th><th>Status</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </div>
</main>

<main id="player-view" class="view" hidden>
  <div class="player-head">
    <a href="#" class="back" id="back">← All sessions</a>
    <h1 id="title"></h1>
    <span id="badges" class="badges"></span>
  </div>
  <p class="live-note" id="live-note" role="status" hidden></p>
  <div class="player-grid">
    <section class="player">
      <div class="stage" id="stage">
        <video id="video-a" playsinline muted preload="auto"></video>
        <video id="video-b" playsinline muted preload="auto"></video>
        <div class="stage-message" id="stage-message" hidden></div>
      </div>
      <div class="stage-bar"><span id="segment-label"></span><span class="spacer"></span><span id="clock" class="mono"></span></div>
      <div class="now-activity" id="now-activity" hidden></div>
      <div class="controls">
        <button type="button" id="play" class="play" title="Play / pause (Space)">▶</button>
        <button type="button" id="back10" title="Back 10 s (←: 5 s, Shift+←: 30 s)">−10s</button>
        <button type="button" id="fwd10" title="Forward 10 s (→: 5 s, Shift+→: 30 s)">+10s</button>
        <span class="time" id="time">0:00 / 0:00</span>
        <span class="spacer"></span>
        <span class="speeds" id="speeds" title="Speed (↑ / ↓)"></span>
        <label class="toggle" title="Skip idle stretches (I)"><input type="checkbox" id="skip-idle"> Skip idle</label>
        <button type="button" id="go-live" class="go-live" title="Jump to the newest segment and play (L)" hidden>● Live</button>
        <button type="button" id="fullscreen" title="Full screen (F)">⤢</button>
      </div>
      <div class="timeline" id="timeline" tabindex="0" aria-label="Session timeline">
        <div class="track" id="track"></div>
        <div class="playhead" id="playhead"></div>
        <div class="hover" id="hover" hidden></div>
      </div>
      <div class="lane" id="lane" aria-label="Activity: the window in front over time" hidden></div>
      <p class="lane-note" id="lane-note" hidden></p>
      <div class="ticks" id="ticks"></div>
      <div class="legend">
        <span><i class="sw video"></i>Recorded</span><span><i class="sw idle"></i>Idle</span>
        <span><i class="sw gap"></i>Gap (no video)</span><span><i class="sw layout"></i>Resolution change</span>
        <span class="lane-legend" id="lane-legend" hidden><i class="sw window"></i>Window in front <i class="sw user-idle"></i>User idle <i class="sw unobserved"></i>Not observed <i class="sw bad-activity"></i>Activity failed its check</span>
        <span class="keys">Space play/pause · ←/→ 5 s · Shift 30 s · ↑/↓ speed · N/P segment · I skip idle · L live · F full screen</span>
      </div>
    </section>
    <aside class="details">
      <h2>Session</h2>
      <dl id="facts"></dl>
      <h2>Integrity</h2>
      <div id="integrity"></div>
      <h2>Segments <span class="muted" id="segment-count"></span></h2>
      <ol class="segments" id="segments"></ol>
    </aside>
  </div>
</main>
<script src="/app.js"></script>
</body>
</html>
`;
}
