# Maven's output (-B) shortened to what a person waiting for the first build wants to see: which
# build step runs (one line per plugin goal, "[INFO] --- plugin:version:goal ... ---"), how many
# files were downloaded and how much, and the result. Everything else goes to the log file only.
# tty=1: the download count is redrawn in place; tty=0: a plain line at most every 10 s.
function size_kb(text,    n, unit) {
  # "(12 kB at 300 kB/s)", "(1.2 MB at 3 MB/s)", "(512 B at ...)"
  if (match(text, /\([0-9.]+ [kMG]?B/) == 0) return 0
  n = substr(text, RSTART + 1, RLENGTH - 1); unit = n
  sub(/ .*/, "", n); sub(/^[0-9.]+ /, "", unit)
  if (unit == "MB") return n * 1024
  if (unit == "GB") return n * 1024 * 1024
  if (unit == "B") return n / 1024
  return n + 0
}
function downloads_line() {
  return sprintf("crm-warehouse: build: %d files downloaded (%.1f MB)", files, kb / 1024)
}
function show_downloads(now) {
  if (tty) { printf "\r%s", downloads_line(); drawn = 1 }
  else if (now - last >= 10) { print downloads_line(); last = now }
}
function end_redraw() { if (drawn) { printf "\n"; drawn = 0 } }
BEGIN { files = 0; kb = 0; last = systime(); steps = 0 }
/^Downloaded from / {
  files++; kb += size_kb($0)
  show_downloads(systime())
  next
}
/^\[INFO\] --- / {
  end_redraw()
  step = $3; sub(/:[0-9][^:]*:/, ":", step)  # maven-compiler-plugin:3.14.0:compile -> maven-compiler-plugin:compile
  sub(/-plugin:/, ":", step); sub(/^maven-/, "", step)
  steps++
  printf "crm-warehouse: build step %d: %s%s\n", steps, step, (files > 0 ? sprintf(" (%d files downloaded so far)", files) : "")
  next
}
/^\[INFO\] BUILD (SUCCESS|FAILURE)/ || /^\[INFO\] Total time:/ {
  end_redraw()
  line = $0; sub(/^\[INFO\] /, "", line)
  print "crm-warehouse: build: " line
  next
}
END {
  end_redraw()
  if (files > 0) print downloads_line()
}
