# bench-compare.sh — sourced by run-bench.sh (and its test): compares two
# tools' outputs line by line against the list of known differences.
#
# Needs: KNOWN (the list: known-differences.txt), OUT (a directory for the
# differences found) and LOG (the log the first ones go to).

# known_lines CAPTURE CASE: the listed lines of that capture and case, one
# "LINE|IOTSCOPE-TEXT|TSHARK-TEXT" a line.
known_lines() {
    [[ -r $KNOWN ]] || return 0
    awk -F' [|] ' -v cap="$1" -v name="$2" '
        /^[ \t]*(#|$)/ { next }
        $1 == cap && $2 == name && $3 ~ /^[0-9]+$/ { print $3 "|" $4 "|" $5 }' "$KNOWN"
}

# compare_outputs CAPTURE CASE IOTSCOPE-FILE TSHARK-FILE: VERDICT is
# "same but for N listed lines" when the outputs differ only in lines of
# known-differences.txt, each holding the texts listed, else DIFFERENT.
# The differences that are not listed go to the log.
compare_outputs() {
    local cap=$1 name=$2 fi=$3 ft=$4 listed changes bad
    listed=$(known_lines "$cap" "$name")
    # Lines changed in place ("NcN"); anything else (lines added, removed,
    # or several changed at once) is a difference no entry can cover.
    changes=$(diff "$fi" "$ft" | grep -E '^[0-9]' || true)
    bad=$(awk -v listed="$listed" -v fi="$fi" -v ft="$ft" '
        BEGIN {
            n = split(listed, rows, "\n")
            for (i = 1; i <= n; i++) if (split(rows[i], f, "|") == 3) { itext[f[1]] = f[2]; ttext[f[1]] = f[3] }
        }
        # "NcN" or "N,McN,M": lines changed in place, each of them listed.
        /^[0-9]+(,[0-9]+)?c[0-9]+(,[0-9]+)?$/ {
            split($0, ab, "c")
            if (ab[1] == ab[2]) {
                split(ab[1], r, ",")
                if (r[2] == "") r[2] = r[1]
                ok = 1
                for (l = r[1] + 0; l <= r[2] + 0; l++) if (!(l in itext)) ok = 0
                if (ok) { for (l = r[1] + 0; l <= r[2] + 0; l++) want[l] = 1; next }
            }
        }
        { print "not listed: " $0 }
        END {
            # Each listed line that differs must hold the texts given.
            for (l in want) {
                cmd = "sed -n \047" l "{p;q}\047 \047" fi "\047"; cmd | getline li; close(cmd)
                cmd = "sed -n \047" l "{p;q}\047 \047" ft "\047"; cmd | getline lt; close(cmd)
                if (index(li, itext[l]) == 0 || index(lt, ttext[l]) == 0)
                    print "line " l " is not as listed: iotscope \"" li "\", tshark \"" lt "\""
            }
        }' <<< "$changes")
    if [[ -n $changes && -z $bad ]]; then
        local n
        n=$(awk -F'[c,]' '{ n += ($2 != "" && $0 ~ /^[0-9]+,/) ? $2 - $1 + 1 : 1 } END { print n }' <<< "$changes")
        VERDICT="same but for $n listed line$([[ $n == 1 ]] || echo s) ($(basename "$KNOWN"))"
    else
        # All the differences, to be explained (and listed, when tshark is
        # the one that is wrong) or fixed.
        local all
        all=$OUT/differences-$(tr -c 'A-Za-z0-9.\n-' '_' <<< "$name")-${cap%.pcap}.diff
        diff "$fi" "$ft" > "$all" || true
        VERDICT="DIFFERENT"
        {
            echo "== $name on $cap: differences not in $(basename "$KNOWN") (first 20; all in $all):"
            [[ -n $bad ]] && head -n 20 <<< "$bad"
            head -n 40 "$all"
        } >> "$LOG"
    fi
}
