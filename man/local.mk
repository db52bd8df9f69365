# man: mdoc pages and the RELAX NG schemas of the XML reports.
dist_man_MANS += man/chainview.1 man/truststore.1
dist_man_MANS += man/pfx2pem.1 man/pem2pfx.1 man/certconv.1
dist_pkgdata_DATA = man/chainview.rng man/truststore.rng
dist_man_MANS += man/aiacheck.1
dist_pkgdata_DATA += man/aiacheck.rng
dist_man_MANS += man/certaudit.1
dist_pkgdata_DATA += man/certaudit.rng
dist_man_MANS += man/mtlsprobe.1
dist_pkgdata_DATA += man/mtlsprobe.rng
dist_man_MANS += man/derdump.1
dist_pkgdata_DATA += man/derdump.rng
dist_man_MANS += man/aiaserve.1
dist_pkgdata_DATA += man/aiaserve.rng
