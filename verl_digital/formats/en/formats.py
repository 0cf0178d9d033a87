"""English dates as readers of a German town's site expect them: day before month and the
24-hour clock, as on the German pages ("25 November 2026, 18:00"), instead of Django's US
default ("Nov. 25, 2026, 6 p.m."). Only the display formats change; numbers stay English.

Templates therefore show dates and times by format name (`DATE_FORMAT`, `TIME_FORMAT`, …),
not by a literal day-month pattern (FORMAT_MODULE_PATH finds this module). Counts use
`intcomma`; USE_THOUSAND_SEPARATOR stays off, since it would also group ids in anchors.
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
