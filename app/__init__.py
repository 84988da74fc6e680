"""SEND Fieldwork: the joint Ofsted/CQC local area SEND inspection tool."""
