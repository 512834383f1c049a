import fn from '../dist/src/compat/fast-folder-size.js'

export default fn
