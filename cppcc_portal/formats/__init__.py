"""The one way the portal writes dates and times, in both languages (FORMAT_MODULE_PATH).

Django's own zh_Hans formats write 2017年3月20日 in the admin and 2017/03/20 in date inputs while
the portal's pages write 2017-03-20; every page, input and export now writes 2017-03-20 14:30."""
