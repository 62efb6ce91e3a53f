# The README's readings plot: a sensor's day from `fe95 analyze --readings`.
#   build/analyzer/fe95 analyze -q captures/mibeacon-history.btsnoop --readings day.csv
#   gnuplot -e "csv='day.csv'" docs/images/readings.gp > docs/images/readings.png
# The CSV's columns: time,device,model,quantity,value,unit,frame,text,file.
if (!exists("csv")) csv = "day.csv"
set terminal pngcairo size 900,450 font "DejaVu Sans,10"
set datafile separator ","
set datafile missing NaN  # the rows of other quantities: skipped, the lines drawn through
set xdata time
set timefmt "%Y-%m-%dT%H:%M:%S"
set format x "%H:%M"
set xlabel "2023-11-15 (UTC)"
set ylabel "temperature (°C)"
set y2label "humidity (%)"
set ytics nomirror
set y2tics
set grid
set key top left
set title "LYWSDCGQ 58:2D:34:11:22:33, MiBeacon readings (captures/mibeacon-history.btsnoop)"
is(q) = strcol(4) eq q ? column(5) : NaN
plot csv every ::1 using (timecolumn(1, "%Y-%m-%dT%H:%M:%S")):(is("temperature")) with lines lw 2 title "temperature", \
     csv every ::1 using (timecolumn(1, "%Y-%m-%dT%H:%M:%S")):(is("humidity")) axes x1y2 with lines lw 2 title "humidity"
