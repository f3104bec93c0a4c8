"""monitor/exports"""
