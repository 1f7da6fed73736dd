"""The working-day calendar: statutory holidays and adjusted working weekends (调休), by year."""
