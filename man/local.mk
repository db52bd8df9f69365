# man: mdoc pages and the RELAX NG schemas of the XML reports.
dist_man_MANS += man/chainview.1
dist_pkgdata_DATA = man/chainview.rng
dist_man_MANS += man/mtlsprobe.1
dist_pkgdata_DATA += man/mtlsprobe.rng
