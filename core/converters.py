"""Path converters that bound numbers, so a URL never carries one the database cannot hold.

``<id:pk>`` takes up to 18 digits (every value fits a 64-bit integer column: a 25-digit id
made SQLite raise ``OverflowError``, a 500); ``<year:year>`` four digits, ``<month:month>`` one
or two. A longer number does not match the route: a plain 404.
"""

from django.urls import register_converter
from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    regex = "[0-9]{1,18}"


class YearConverter(IntConverter):
    regex = "[0-9]{4}"


class MonthConverter(IntConverter):
    regex = "[0-9]{1,2}"


def register():
    register_converter(IdConverter, "id")
    register_converter(YearConverter, "year")
    register_converter(MonthConverter, "month")
